#!/usr/bin/env python3
# Checks the learning rate of fashion-mnist-pretrain with a stand-in PyTorch MAE of the same shapes.
# Usage: python3 small_mae_lr.py STEPS WARMUP LR [LR...]   (Debian python3-torch; prints mean losses)
# Tiny MAE: 28 px, patch 4, encoder 192x4x3, decoder 128x2x4, mask 0.75, norm-pix loss; AdamW (0.9, 0.95) wd 0.05,
# batch 128, linear warmup then cosine over the run.
import gzip, numpy as np, torch, math, sys, time
import torch.nn as nn
torch.set_num_threads(1)
def idx(p, off): return np.frombuffer(gzip.open(p).read(), np.uint8, offset=off)
X=torch.tensor(idx('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz',16).reshape(-1,1,28,28)/255.,dtype=torch.float32)
X=(X-0.2860)/0.3530
class Block(nn.Module):
    def __init__(s,d,h):
        super().__init__(); s.n1=nn.LayerNorm(d,eps=1e-6); s.a=nn.MultiheadAttention(d,h,batch_first=True); s.n2=nn.LayerNorm(d,eps=1e-6)
        s.m=nn.Sequential(nn.Linear(d,4*d),nn.GELU(),nn.Linear(4*d,d))
    def forward(s,x):
        y=s.n1(x); x=x+s.a(y,y,y,need_weights=False)[0]; return x+s.m(s.n2(x))
def sincos(d,g):
    def one(d,pos):
        om=1./10000**(np.arange(d//2)/(d/2.)); o=np.einsum('m,d->md',pos.reshape(-1),om); return np.concatenate([np.sin(o),np.cos(o)],1)
    gh,gw=np.meshgrid(np.arange(g,dtype=float),np.arange(g,dtype=float)); e=np.concatenate([one(d//2,gh),one(d//2,gw)],1)
    return torch.tensor(np.concatenate([np.zeros((1,d)),e]),dtype=torch.float32)[None]
class MAE(nn.Module):
    def __init__(s):
        super().__init__(); D,d=192,128; s.pe=nn.Linear(16,D); s.cls=nn.Parameter(torch.zeros(1,1,D)); s.mask=nn.Parameter(torch.zeros(1,1,d))
        s.register_buffer('pos',sincos(D,7)); s.register_buffer('dpos',sincos(d,7))
        s.enc=nn.Sequential(*[Block(D,3) for _ in range(4)]); s.n=nn.LayerNorm(D,eps=1e-6); s.de=nn.Linear(D,d)
        s.dec=nn.Sequential(*[Block(d,4) for _ in range(2)]); s.dn=nn.LayerNorm(d,eps=1e-6); s.pred=nn.Linear(d,16)
        nn.init.normal_(s.cls,std=.02); nn.init.normal_(s.mask,std=.02)
    def forward(s,img):
        N=img.shape[0]; p=img.reshape(N,1,7,4,7,4).permute(0,2,4,3,5,1).reshape(N,49,16)
        x=s.pe(p)+s.pos[:,1:]; keep=12
        ids=torch.argsort(torch.rand(N,49),1); rest=torch.argsort(ids,1); ik=ids[:,:keep]
        x=torch.gather(x,1,ik[...,None].expand(-1,-1,192)); x=torch.cat([(s.cls+s.pos[:,:1]).expand(N,-1,-1),x],1)
        x=s.de(s.n(s.enc(x))); m=s.mask.expand(N,49-keep,-1); y=torch.cat([x[:,1:],m],1)
        y=torch.gather(y,1,rest[...,None].expand(-1,-1,128)); y=torch.cat([x[:,:1],y],1)+s.dpos
        y=s.pred(s.dn(s.dec(y)))[:,1:]
        mk=torch.ones(N,49); mk[:,:keep]=0; mk=torch.gather(mk,1,rest)
        t=(p-p.mean(-1,keepdim=True))/(p.var(-1,keepdim=True)+1e-6)**.5
        return (((y-t)**2).mean(-1)*mk).sum()/mk.sum()
steps,warm,B=int(sys.argv[1]),int(sys.argv[2]),128
for lr in [float(a) for a in sys.argv[3:]]:
    torch.manual_seed(0); m=MAE()
    dec=[p for n,p in m.named_parameters() if p.ndim>1 and 'cls' not in n and 'mask' not in n]
    nod=[p for n,p in m.named_parameters() if not (p.ndim>1 and 'cls' not in n and 'mask' not in n)]
    opt=torch.optim.AdamW([{'params':dec,'weight_decay':0.05},{'params':nod,'weight_decay':0.}],lr=lr,betas=(0.9,0.95))
    t0=time.time(); hist=[]
    for i in range(steps):
        cur=lr*i/warm if i<warm else lr*0.5*(1+math.cos(math.pi*(i-warm)/(steps-warm)))
        for g in opt.param_groups: g['lr']=cur
        b=X[torch.randint(0,len(X),(B,))]
        loss=m(b); opt.zero_grad(); loss.backward(); opt.step(); hist.append(loss.item())
    avg=lambda a,b: sum(hist[a:b])/len(hist[a:b])
    print(f"lr {lr}: loss first20 {avg(0,20):.3f} steps {steps//2-10}-{steps//2+10} {avg(steps//2-10,steps//2+10):.3f} last20 {avg(steps-20,steps):.3f}  {(time.time()-t0)/steps*1000:.0f} ms/step",flush=True)
