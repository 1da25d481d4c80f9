package io.github.mae4j.torch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The binding's package graph, as the JDK's {@code jdeps} reads it from the compiled classes: no cycles, and the
 * layers the design names — {@code run} (what every run shares) depends on neither pretraining nor downstream,
 * downstream does not reach into pretraining, and the model, checkpoint formats and data do not depend on any run.
 */
class PackageDependenciesTest {
  static final String ROOT = "io.github.mae4j.torch";
  static Map<String, Set<String>> graph;

  @BeforeAll
  static void readGraph() throws URISyntaxException {
    Path classes = Path.of(Torch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ToolProvider jdeps = ToolProvider.findFirst("jdeps")
        .orElseThrow(() -> new IllegalStateException("this JDK has no jdeps tool"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // the classes are a named module (module-info.class): jdeps resolves its requires from the test's class path
    String modulePath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> e.endsWith(".jar") || Files.exists(Path.of(e, "module-info.class")))
        .filter(e -> !Path.of(e).equals(classes))
        .collect(Collectors.joining(File.pathSeparator));
    int rc = jdeps.run(new PrintWriter(out), new PrintWriter(err), "--module-path", modulePath, "--multi-release", "25",
        "-verbose:package", "-filter:none", "-e", "io\\.github\\.mae4j.*", classes.toString());
    assertThat(rc).as("jdeps exit code; stdout: %s stderr: %s", out, err).isZero();
    Pattern edge = Pattern.compile("^\\s+(io\\.github\\.mae4j\\.torch[\\w.]*)\\s+->\\s+(io\\.github\\.mae4j\\.torch[\\w.]*)\\s");
    graph = new TreeMap<>();
    for (String line : out.toString().split("\n")) {
      Matcher m = edge.matcher(line);
      if (m.find() && !m.group(1).equals(m.group(2))) {
        graph.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
        graph.computeIfAbsent(m.group(2), k -> new TreeSet<>());
      }
    }
    assertThat(graph).as("jdeps found the binding's packages").containsKeys(ROOT + ".nn", ROOT + ".train");
  }

  @Test
  void packages_haveNoCycles() {
    assertThat(cycles()).as("package cycles (strongly connected components)").isEmpty();
  }

  @Test
  void run_dependsOnNeitherPretrainingNorDownstream() {
    assertNoEdges(ROOT + ".run", ROOT + ".train", ROOT + ".downstream");
  }

  @Test
  void downstream_doesNotReachIntoPretraining() {
    assertNoEdges(ROOT + ".downstream", ROOT + ".train");
  }

  @Test
  void modelFormatsAndData_dependOnNoRun() {
    for (String lower : List.of(ROOT + ".nn", ROOT + ".io", ROOT + ".data", ROOT + ".internal")) {
      assertNoEdges(lower, ROOT + ".train", ROOT + ".downstream", ROOT + ".run");
    }
  }

  @Test
  void checkpointFormats_doNotDependOnTheModel() {
    assertNoEdges(ROOT + ".io", ROOT + ".nn");
  }

  /** No package in the subtree {@code from} depends on a package in any subtree of {@code to}. */
  static void assertNoEdges(String from, String... to) {
    List<String> bad = new ArrayList<>();
    graph.forEach((p, deps) -> {
      if (inSubtree(p, from)) {
        for (String d : deps) {
          for (String t : to) {
            if (inSubtree(d, t)) {
              bad.add(p + " -> " + d);
            }
          }
        }
      }
    });
    assertThat(bad).as("dependencies from %s on %s", from, List.of(to)).isEmpty();
  }

  static boolean inSubtree(String pkg, String root) {
    return pkg.equals(root) || pkg.startsWith(root + ".");
  }

  /** Tarjan's strongly connected components of more than one package. */
  static List<Set<String>> cycles() {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> out = new ArrayList<>();
    int[] counter = {0};
    for (String v : graph.keySet()) {
      if (!index.containsKey(v)) {
        strongConnect(v, index, low, stack, onStack, out, counter);
      }
    }
    return out;
  }

  private static void strongConnect(String v, Map<String, Integer> index, Map<String, Integer> low,
      Deque<String> stack, Set<String> onStack, List<Set<String>> out, int[] counter) {
    index.put(v, counter[0]);
    low.put(v, counter[0]);
    counter[0]++;
    stack.push(v);
    onStack.add(v);
    for (String w : graph.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        strongConnect(w, index, low, stack, onStack, out, counter);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        out.add(component);
      }
    }
  }
}
