/**
 * mae4j on libtorch: the model, training, downstream runs and checkpoint formats. Every package is exported
 * except the {@code internal} ones, which are implementation detail and may change without notice
 * ({@code ModuleExportsTest} keeps the two lists in step).
 *
 * <p>On the module path, add the natives of your platform to the module graph, e.g.
 * {@code --add-modules org.bytedeco.pytorch.linux.x86_64,org.bytedeco.openblas.linux.x86_64,org.bytedeco.javacpp.linux.x86_64}
 * (and {@code org.bytedeco.opencv.linux.x86_64} for JPEG decoding by libjpeg-turbo; without it images decode with
 * javax.imageio),
 * and allow native access with {@code --enable-native-access=io.github.mae4j.torch,org.bytedeco.javacpp}.
 */
module io.github.mae4j.torch {
  requires transitive io.github.mae4j.api;
  requires transitive org.bytedeco.pytorch;
  requires transitive org.bytedeco.javacpp;
  requires transitive java.desktop;
  requires org.bytedeco.openblas;
  requires org.bytedeco.opencv;
  requires java.management;
  requires jdk.management;
  requires org.knowm.xchart;
  requires org.apache.commons.compress;
  requires static org.jspecify;
  requires static org.immutables.value.annotations;

  exports io.github.mae4j.torch;
  exports io.github.mae4j.torch.bench;
  exports io.github.mae4j.torch.data;
  exports io.github.mae4j.torch.data.bench;
  exports io.github.mae4j.torch.dist;
  exports io.github.mae4j.torch.downstream;
  exports io.github.mae4j.torch.downstream.aug;
  exports io.github.mae4j.torch.downstream.checkpoint;
  exports io.github.mae4j.torch.downstream.eval;
  exports io.github.mae4j.torch.downstream.export;
  exports io.github.mae4j.torch.downstream.finetune;
  exports io.github.mae4j.torch.downstream.knn;
  exports io.github.mae4j.torch.downstream.linprobe;
  exports io.github.mae4j.torch.downstream.mix;
  exports io.github.mae4j.torch.downstream.optim;
  exports io.github.mae4j.torch.downstream.vit;
  exports io.github.mae4j.torch.io;
  exports io.github.mae4j.torch.io.pth;
  exports io.github.mae4j.torch.nn;
  exports io.github.mae4j.torch.run;
  exports io.github.mae4j.torch.train;
  exports io.github.mae4j.torch.weights;
}
