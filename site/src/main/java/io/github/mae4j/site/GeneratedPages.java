package io.github.mae4j.site;

import java.nio.file.Path;

/** The pages written from the code rather than from a Markdown file, by id (see {@link SiteMap}). */
final class GeneratedPages {
  static final String RECIPES = "recipes";
  static final String CONFIG = "config";
  static final String CLI = "cli";
  static final String API = "api";

  private final Path repo;
  private final String version;

  GeneratedPages(Path repo, String version) {
    this.repo = repo;
    this.version = version;
  }

  /** The Markdown of the generated page {@code id}. */
  String markdown(String id) {
    return switch (id) {
      case RECIPES -> new RecipeReference().markdown();
      case CONFIG -> new ConfigReference(repo).markdown();
      case CLI -> new CliReference().markdown();
      case API -> new ApiOverview(repo, version).markdown();
      default -> throw new IllegalArgumentException("no generated page " + id);
    };
  }
}
