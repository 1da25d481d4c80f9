package io.github.mae4j.torch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The compiled module descriptor of {@code mae-torch-binding}: it exports exactly the packages that hold classes,
 * minus the {@code internal} ones — so a new package cannot be forgotten (it would be missing on the module path)
 * and an internal one cannot leak.
 */
class ModuleExportsTest {

  @Test
  void exportsEveryPackageButTheInternalOnes() throws IOException, URISyntaxException {
    Path classes = Path.of(Torch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ModuleDescriptor descriptor;
    try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
      descriptor = ModuleDescriptor.read(in);
    }
    assertThat(descriptor.name()).isEqualTo("io.github.mae4j.torch");

    Set<String> withClasses;
    try (Stream<Path> files = Files.walk(classes)) {
      withClasses = files.filter(p -> p.toString().endsWith(".class"))
          .map(p -> classes.relativize(p.getParent()).toString().replace('/', '.'))
          .filter(pkg -> pkg.startsWith("io.github.mae4j.torch"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> exported = descriptor.exports().stream()
        .peek(e -> assertThat(e.isQualified()).as("export of %s is unqualified", e.source()).isFalse())
        .map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> expected = withClasses.stream()
        .filter(pkg -> !pkg.endsWith(".internal") && !pkg.contains(".internal."))
        .collect(Collectors.toCollection(TreeSet::new));

    assertThat(withClasses).as("packages found").contains("io.github.mae4j.torch.nn",
        "io.github.mae4j.torch.internal");
    assertThat(exported).as("exported packages of module-info.java").isEqualTo(expected);
    assertThat(descriptor.requires().stream().map(ModuleDescriptor.Requires::name))
        .contains("io.github.mae4j.api", "org.bytedeco.pytorch", "org.bytedeco.javacpp");
  }
}
