import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Single-thread JPEG decode cost: javax.imageio (what mae4j uses) against libjpeg-turbo inside OpenCV through the
 * JavaCPP presets (org.bytedeco:opencv 4.13.0-1.5.13), at full size and with DCT scaling to 1/2 (IMREAD_REDUCED_COLOR_2).
 * The files are the SourceBenchmark's generated 500×375 quality-90 JPEGs. Encoded bytes are read into memory first:
 * only decoding is timed, in CPU time of the measuring thread. Run: see tools/jpeg-decode/README.md.
 */
public class JpegDecodeBench {
  public static void main(String[] args) throws Exception {
    Path folder = Path.of(args.length > 0 ? args[0] : "/tmp/mae4j-source-bench/folder");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    List<byte[]> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(folder)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList()) {
        files.add(Files.readAllBytes(p));
      }
    }
    String cpu;
    try (Stream<String> l = Files.lines(Path.of("/proc/cpuinfo"))) {
      cpu = l.filter(x -> x.startsWith("model name")).findFirst().map(x -> x.split(":", 2)[1].trim()).orElse("?");
    }
    System.out.printf(Locale.ROOT, "cpu: %s, %d cores, java %s, load average %s, %d JPEGs, opencv %s%n", cpu,
        Runtime.getRuntime().availableProcessors(), Runtime.version(),
        Files.readString(Path.of("/proc/loadavg")).trim(), files.size(), opencv_core.CV_VERSION());
    ImageIO.setUseCache(false);
    for (int r = 0; r < rounds; r++) { // the first round warms up the JIT and the natives
      boolean report = r == rounds - 1;
      time("javax.imageio, full size", files, report, b -> {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(b))) {
          ImageReader reader = ImageIO.getImageReaders(in).next();
          reader.setInput(in, true, true);
          BufferedImage img = reader.read(0);
          reader.dispose();
          return img.getWidth();
        }
      });
      time("opencv (libjpeg-turbo), full size", files, report, b -> decode(b, opencv_imgcodecs.IMREAD_COLOR));
      time("opencv, DCT-scaled to 1/2", files, report, b -> decode(b, opencv_imgcodecs.IMREAD_REDUCED_COLOR_2));
    }
  }

  interface Decoder {
    int decode(byte[] b) throws Exception;
  }

  static int decode(byte[] b, int flags) {
    try (BytePointer p = new BytePointer(b); Mat buf = new Mat(1, b.length, opencv_core.CV_8UC1, p);
        Mat img = opencv_imgcodecs.imdecode(buf, flags)) {
      return img.cols();
    }
  }

  static void time(String name, List<byte[]> files, boolean report, Decoder d) throws Exception {
    ThreadMXBean t = ManagementFactory.getThreadMXBean();
    long c0 = t.getCurrentThreadCpuTime();
    long w0 = System.nanoTime();
    long check = 0;
    for (byte[] b : files) {
      check += d.decode(b);
    }
    double cpuMs = (t.getCurrentThreadCpuTime() - c0) / 1e6 / files.size();
    double wall = (System.nanoTime() - w0) / 1e9;
    if (report) {
      System.out.printf(Locale.ROOT, "%-36s %6.2f CPU ms/img  %7.1f img/s per core  (wall %.1f s, width sum %d)%n",
          name, cpuMs, 1000 / cpuMs, wall, check);
    }
  }
}
