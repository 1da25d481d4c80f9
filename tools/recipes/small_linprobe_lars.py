#!/usr/bin/env python3
# Checks the LARS learning rate of fashion-mnist-linprobe on a stand-in encoder (frozen random 784->192 ReLU
# projection), BatchNorm without affine + linear head, batch 256, 10 epochs, 1 warmup.
# Usage: python3 small_linprobe_lars.py LR [LR...]   (Debian python3-torch; prints test accuracy)
import gzip, numpy as np, torch, math, sys
torch.set_num_threads(1); torch.manual_seed(0)
def idx(p, off): return np.frombuffer(gzip.open(p).read(), np.uint8, offset=off)
d='/usr/share/datasets/fashion-mnist/'
X=torch.tensor(idx(d+'train-images-idx3-ubyte.gz',16).reshape(-1,784)/255.,dtype=torch.float32)
Y=torch.tensor(idx(d+'train-labels-idx1-ubyte.gz',8).astype(np.int64))
Xt=torch.tensor(idx(d+'t10k-images-idx3-ubyte.gz',16).reshape(-1,784)/255.,dtype=torch.float32)
Yt=torch.tensor(idx(d+'t10k-labels-idx1-ubyte.gz',8).astype(np.int64))
P=torch.randn(784,192)/28
feat=lambda x: torch.relu((x-0.286)/0.353@P)
F,Ft=feat(X),feat(Xt)
class Lars(torch.optim.Optimizer):
    def __init__(s,params,lr,wd=0,momentum=0.9,eta=0.001): super().__init__(params,dict(lr=lr,weight_decay=wd,momentum=momentum,trust_coefficient=eta))
    @torch.no_grad()
    def step(s):
        for g in s.param_groups:
            for p in g['params']:
                dp=p.grad
                if p.ndim>1:
                    dp=dp.add(p,alpha=g['weight_decay'])
                    pn,un=torch.norm(p),torch.norm(dp)
                    q=torch.where(pn>0,torch.where(un>0,g['trust_coefficient']*pn/un,torch.ones_like(pn)),torch.ones_like(pn))
                    dp=dp.mul(q)
                st=s.state[p]
                if 'mu' not in st: st['mu']=torch.zeros_like(p)
                mu=st['mu']; mu.mul_(g['momentum']).add_(dp); p.add_(mu,alpha=-g['lr'])
for lr in [float(a) for a in sys.argv[1:]]:
    torch.manual_seed(0)
    head=torch.nn.Sequential(torch.nn.BatchNorm1d(192,affine=False,eps=1e-6),torch.nn.Linear(192,10))
    torch.nn.init.trunc_normal_(head[1].weight,std=0.01); torch.nn.init.zeros_(head[1].bias)
    opt=Lars(head.parameters(),lr=lr); E,W,B=10,1,256; ipe=len(F)//B
    for e in range(E):
        perm=torch.randperm(len(F)); head.train()
        for i in range(ipe):
            ep=e+i/ipe; cur=lr*ep/W if ep<W else lr*0.5*(1+math.cos(math.pi*(ep-W)/(E-W)))
            for g in opt.param_groups: g['lr']=cur
            idxs=perm[i*B:(i+1)*B]; loss=torch.nn.functional.cross_entropy(head(F[idxs]),Y[idxs])
            opt.zero_grad(); loss.backward(); opt.step()
        if e in (0,2,9):
            head.eval(); acc=(head(Ft).argmax(1)==Yt).float().mean().item()
            print(f"lr {lr} epoch {e+1} loss {loss.item():.3f} test acc {acc:.4f}",flush=True)
