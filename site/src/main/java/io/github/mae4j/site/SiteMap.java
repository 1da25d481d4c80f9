package io.github.mae4j.site;

import java.util.List;
import java.util.Optional;

/**
 * The site's sections and their pages, in navigation order. Every {@code docs/**.md} file must be listed here (the
 * generator refuses one that is not, so a new document cannot silently miss the site); generated pages name the
 * generator that writes them instead of a Markdown source.
 */
public final class SiteMap {
  /** One page: its output file (relative to the site root), its navigation label and where its text comes from. */
  public record Page(String output, String label, Source source) {}

  /** Where a page's text comes from. */
  public sealed interface Source permits Markdown, Generated, External {}

  /** A Markdown file, relative to the repository root. */
  public record Markdown(String path) implements Source {}

  /** Markdown written by the generator from the code ({@link GeneratedPages}). */
  public record Generated(String id) implements Source {}

  /** A page the site links to but does not render with its layout (the aggregated Javadoc). */
  public record External() implements Source {}

  /** One navigation section. */
  public record Section(String title, List<Page> pages) {}

  private final List<Section> sections;

  public SiteMap(List<Section> sections) {
    this.sections = List.copyOf(sections);
  }

  /** mae4j's site. */
  public static SiteMap mae4j() {
    return new SiteMap(List.of(
        new Section("Start", List.of(
            md("index.html", "Overview", "README.md"),
            md("getting-started.html", "Two-command start", "docs/guides/getting-started.md"))),
        new Section("Guides", List.of(
            md("pretrain-your-images.html", "Pretrain on your images", "docs/guides/pretrain-your-images.md"),
            md("finetune-and-probe.html", "Fine-tune, probe, k-NN", "docs/guides/finetune-and-probe.md"),
            md("pretrained-weights.html", "Official, HF and timm weights", "docs/guides/pretrained-weights.md"),
            md("kotlin.html", "Kotlin DSL", "docs/guides/kotlin.md"),
            md("distributed.html", "Distributed runs", "docs/guides/distributed.md"),
            md("model.html", "The model", "docs/model.md"),
            md("training.html", "Training", "docs/training.md"),
            md("data-parallelism.html", "Data parallelism on c10d", "docs/distributed.md"),
            md("data-pipeline.html", "Data pipeline", "docs/data-pipeline.md"),
            md("checkpoints.html", "PyTorch checkpoints", "docs/checkpoints.md"),
            md("downstream.html", "Downstream tasks", "docs/downstream.md"))),
        new Section("Recipes", List.of(
            md("recipes-guide.html", "What a recipe is", "docs/guides/recipes-guide.md"),
            md("recipes.html", "The paper's recipes", "docs/recipes.md"),
            gen("recipe-reference.html", "Recipe reference", GeneratedPages.RECIPES),
            gen("config-reference.html", "MaeConfig reference", GeneratedPages.CONFIG),
            gen("cli-reference.html", "mae command reference", GeneratedPages.CLI))),
        new Section("Results", List.of(
            md("results.html", "Fashion-MNIST results", "docs/results.md"),
            md("figures.html", "Figures", "docs/figures.md"))),
        new Section("API", List.of(
            gen("api.html", "Modules and Javadoc", GeneratedPages.API),
            new Page("apidocs/index.html", "Javadoc (all modules)", new External()))),
        new Section("Benchmarks", List.of(
            md("benchmarks.html", "Benchmarks", "docs/benchmarks.md"),
            md("gpu.html", "On a GPU (on paper)", "docs/gpu.md")))));
  }

  private static Page md(String output, String label, String path) {
    return new Page(output, label, new Markdown(path));
  }

  private static Page gen(String output, String label, String id) {
    return new Page(output, label, new Generated(id));
  }

  public List<Section> sections() {
    return sections;
  }

  /** Every page, in navigation order. */
  public List<Page> pages() {
    return sections.stream().flatMap(s -> s.pages().stream()).toList();
  }

  /** The page rendered from the Markdown file at {@code repoPath} (relative to the repository root). */
  public Optional<Page> pageFor(String repoPath) {
    return pages().stream()
        .filter(p -> p.source() instanceof Markdown m && m.path().equals(repoPath))
        .findFirst();
  }

  /** The section a page belongs to. */
  public Section sectionOf(Page page) {
    return sections.stream().filter(s -> s.pages().contains(page)).findFirst().orElseThrow();
  }
}
