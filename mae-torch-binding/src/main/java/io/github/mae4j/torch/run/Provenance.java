package io.github.mae4j.torch.run;

import io.github.mae4j.torch.Torch;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/** Who wrote a checkpoint: mae4j, libtorch (JavaCPP presets), JVM and OS versions, and when. */
public final class Provenance {
  private Provenance() {}

  /** The provenance map for a checkpoint written now on {@code device}. */
  public static Map<String, String> now(String device) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("mae4j", version(Provenance.class.getPackage().getImplementationVersion(),
        "/META-INF/maven/io.github.mae4j/mae-torch-binding/pom.properties"));
    m.put("libtorch", Torch.libtorchVersion());
    m.put("pytorch-presets", version(null, "/META-INF/maven/org.bytedeco/pytorch/pom.properties"));
    m.put("jvm", System.getProperty("java.vm.vendor", "?") + " " + System.getProperty("java.vm.name", "?") + " "
        + Runtime.version());
    m.put("os", System.getProperty("os.name", "?") + " " + System.getProperty("os.version", "?") + " "
        + System.getProperty("os.arch", "?"));
    m.put("device", device);
    m.put("written", Instant.now().toString());
    return m;
  }

  private static String version(@Nullable String fromManifest, String pomProperties) {
    if (fromManifest != null) {
      return fromManifest;
    }
    try (InputStream in = Provenance.class.getResourceAsStream(pomProperties)) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      }
    } catch (Exception e) {
      // fall through
    }
    return "dev";
  }
}
