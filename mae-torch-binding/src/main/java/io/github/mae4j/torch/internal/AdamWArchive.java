package io.github.mae4j.torch.internal;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.Tuple;
import org.bytedeco.pytorch.global.torch;
import org.jspecify.annotations.Nullable;

/**
 * {@link FusedAdamW}'s state in the archive layout libtorch's {@code AdamW::save} writes, so that checkpoints stay
 * one format whichever AdamW ran (written here by hand because the presets give no access to libtorch's
 * per-parameter state map, and {@code AdamW::load} only takes this layout):
 *
 * <pre>
 * pytorch_version = "1.5.0"
 * state/KEY/{step (int), exp_avg, exp_avg_sq}          one sub-archive per parameter that has state
 * param_groups/param_groups/size = tensor(G)
 * param_groups/param_groups/I/params/size = tensor(N), params/J = "KEY"
 * param_groups/param_groups/I/options/{lr, betas (tuple), eps, weight_decay, amsgrad}
 * </pre>
 *
 * KEY is a decimal number (libtorch writes the parameter's {@code TensorImpl} address and parses it back with
 * {@code stoull}); loading matches saved parameters to current ones by their position in the groups, as libtorch does.
 */
final class AdamWArchive {
  private static final String VERSION = "1.5.0";

  private AdamWArchive() {}

  static byte[] write(FusedAdamW opt) {
    try (OutputArchive archive = new OutputArchive()) {
      archive.write("pytorch_version", new IValue(VERSION));
      OutputArchive state = new OutputArchive(archive.compilation_unit());
      OutputArchive groups = new OutputArchive(archive.compilation_unit());
      groups.write("param_groups/size", torch.tensor(new long[] {opt.groupCount()}).reshape());
      long key = 1;
      for (int g = 0; g < opt.groupCount(); g++) {
        OutputArchive group = new OutputArchive(archive.compilation_unit());
        int n = opt.params.get(g).size();
        group.write("params/size", torch.tensor(new long[] {n}).reshape());
        for (int i = 0; i < n; i++, key++) {
          group.write("params/" + i, new IValue(Long.toString(key)));
          if (opt.expAvg[g][i] != null) {
            OutputArchive ps = new OutputArchive(archive.compilation_unit());
            ps.write("step", new IValue(opt.steps[g][i]));
            ps.write("exp_avg", new IValue(opt.expAvg[g][i]));
            ps.write("exp_avg_sq", new IValue(opt.expAvgSq[g][i]));
            state.write(Long.toString(key), ps);
          }
        }
        OutputArchive options = new OutputArchive(archive.compilation_unit());
        options.write("lr", new IValue(opt.lr(g)));
        options.write("betas", new IValue(Tuple.create(new IValue(opt.beta1), new IValue(opt.beta2))));
        options.write("eps", new IValue(opt.eps));
        options.write("weight_decay", new IValue(opt.weightDecay(g)));
        options.write("amsgrad", new IValue(false));
        group.write("options", options);
        groups.write("param_groups/" + g, group);
      }
      archive.write("state", state);
      archive.write("param_groups", groups);
      return ArchiveBytes.of(archive);
    }
  }

  static void read(byte[] bytes, FusedAdamW opt) {
    try (InputArchive archive = new InputArchive()) {
      ArchiveBytes.load(archive, bytes, "saved optimizer state");
      InputArchive state = new InputArchive();
      InputArchive groups = new InputArchive();
      if (!archive.try_read("state", state) || !archive.try_read("param_groups", groups)) {
        throw new IllegalArgumentException("the saved optimizer state has no state or param_groups: it was not"
            + " written by an AdamW");
      }
      long groupCount = scalar(groups, "param_groups/size");
      if (groupCount != opt.groupCount()) {
        throw new IllegalArgumentException("the saved optimizer state has " + groupCount + " parameter groups, this"
            + " optimizer " + opt.groupCount());
      }
      // read and check everything before changing anything: a refused state leaves the optimizer as it was
      List<Saved> saved = new ArrayList<>();
      double[] lrs = new double[opt.groupCount()];
      for (int g = 0; g < opt.groupCount(); g++) {
        InputArchive group = new InputArchive();
        groups.read("param_groups/" + g, group);
        int n = opt.params.get(g).size();
        long count = scalar(group, "params/size");
        if (count != n) {
          throw new IllegalArgumentException("the saved optimizer state's group " + g + " has " + count
              + " parameters, this optimizer's " + n);
        }
        for (int i = 0; i < n; i++) {
          IValue k = new IValue();
          group.read("params/" + i, k);
          InputArchive ps = new InputArchive();
          if (state.try_read(k.toStringRef().getString(), ps)) {
            IValue step = new IValue();
            IValue m = new IValue();
            IValue v = new IValue();
            ps.read("step", step);
            ps.read("exp_avg", m);
            ps.read("exp_avg_sq", v);
            opt.checkState(g, i, m.toTensor(), v.toTensor());
            saved.add(new Saved(g, i, step.toInt(), m.toTensor(), v.toTensor()));
          } else {
            saved.add(new Saved(g, i, 0, null, null));
          }
        }
        InputArchive options = new InputArchive();
        IValue lr = new IValue();
        lrs[g] = group.try_read("options", options) && options.try_read("lr", lr) ? lr.toDouble() : opt.lr(g);
      }
      for (Saved s : saved) {
        if (s.expAvg() == null || s.expAvgSq() == null) {
          opt.releaseState(s.group(), s.index());
        } else {
          opt.setState(s.group(), s.index(), s.step(), s.expAvg(), s.expAvgSq());
        }
      }
      for (int g = 0; g < lrs.length; g++) {
        opt.setLr(g, lrs[g]);
      }
    }
  }

  private record Saved(int group, int index, long step, @Nullable Tensor expAvg, @Nullable Tensor expAvgSq) {}

  private static long scalar(InputArchive a, String key) {
    Tensor t = new Tensor();
    a.read(key, t);
    return t.item_long();
  }
}
