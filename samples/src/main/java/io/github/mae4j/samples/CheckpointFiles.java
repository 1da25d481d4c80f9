package io.github.mae4j.samples;

import io.github.mae4j.torch.nn.MaeCheckpoint;
import io.github.mae4j.torch.io.pth.PyOrderedDict;
import io.github.mae4j.torch.io.pth.TorchCheckpoint;
import io.github.mae4j.torch.nn.MaskedAutoencoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/** PyTorch {@code .pth} files from Java: write, read, load into a model (docs/checkpoints.md). */
public final class CheckpointFiles {
  private CheckpointFiles() {}

  /** Writes {@code model} as the official MAE files are laid out, into {@code dir}; returns the full file. */
  public static Path write(MaskedAutoencoder model, Path dir) throws IOException {
    Path path = dir.resolve("mae.pth");
    // tag::save[]
    MaeCheckpoint.save(model, path);                                 // {'model': OrderedDict} with the reference names
    MaeCheckpoint.saveEncoder(model, dir.resolve("mae-encoder.pth")); // encoder only, as the released pretrain files
    // end::save[]
    return path;
  }

  /** Reads {@code path} as a state dict and as a whole tree; writes a file of its own beside it; returns the keys. */
  public static int read(Path path) throws IOException {
    // tag::read[]
    // the state dict under 'model' (null: 'model', 'state_dict', 'module', or the file itself if it is one)
    LinkedHashMap<String, Tensor> sd = TorchCheckpoint.readStateDict(path, null);

    // everything: Map / PyOrderedDict / List / String / Long / BigInteger / Double / Boolean / null / byte[] /
    // PickleObject (argparse.Namespace 'args') / Tensor
    Object tree = TorchCheckpoint.read(path);
    TorchCheckpoint.closeTensors(tree);   // when done
    // end::read[]
    // tag::write[]
    Path mine = path.resolveSibling("mine.pth");
    TorchCheckpoint.write(mine, Map.of("model", new PyOrderedDict(sd), "epoch", 7L)); // torch.load reads it
    // end::write[]
    int n = sd.size();
    TorchCheckpoint.closeTensors(sd);
    return n;
  }

  /** Loads the file at {@code path} into {@code model}, strictly. */
  public static MaeCheckpoint.Result load(MaskedAutoencoder model, Path path) throws IOException {
    // tag::load[]
    MaeCheckpoint.Result r = MaeCheckpoint.load(model, path, null, /*strict*/ true);
    r.layout();           // FULL (encoder+decoder), ENCODER (mae_pretrain_vit_*.pth) or CLASSIFIER (fine-tuned)
    r.report();           // io.LoadReport: loaded / missing / unexpected / shapeMismatches, by name
    r.ignored();          // head.*, fc_norm.* of fine-tuned files: reported, never silently dropped
    // end::load[]
    return r;
  }
}
