package io.github.mae4j.api.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.github.mae4j.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The JSON and YAML form of recipes. A file starts with {@code kind: pretrain|finetune|linprobe}; missing fields
 * take the recipe's defaults; unknown fields, a missing or unknown kind, and values that break a rule are refused
 * with an {@link IllegalArgumentException} saying which.
 */
public final class RecipeIo {
  private static final ObjectMapper JSON = Json.mapper();
  private static final ObjectMapper YAML =
      Json.mapper()
          .copyWith(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .disable(YAMLGenerator.Feature.USE_NATIVE_TYPE_ID)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .build());

  private RecipeIo() {}

  /** The JSON text of a recipe, {@code kind} first. */
  public static String toJson(Recipe recipe) {
    return write(JSON, recipe, "JSON");
  }

  /** The YAML text of a recipe, {@code kind} first. */
  public static String toYaml(Recipe recipe) {
    return write(YAML, recipe, "YAML");
  }

  /** Reads any recipe from JSON; its {@code kind} says which. */
  public static Recipe fromJson(String json) {
    return read(JSON, json, Recipe.class, "JSON");
  }

  /** Reads a recipe of the given type from JSON, refusing a file of another kind. */
  public static <R extends Recipe> R fromJson(String json, Class<R> type) {
    return read(JSON, json, type, "JSON");
  }

  /** Reads any recipe from YAML; its {@code kind} says which. */
  public static Recipe fromYaml(String yaml) {
    return read(YAML, yaml, Recipe.class, "YAML");
  }

  /** Reads a recipe of the given type from YAML, refusing a file of another kind. */
  public static <R extends Recipe> R fromYaml(String yaml, Class<R> type) {
    return read(YAML, yaml, type, "YAML");
  }

  /** Reads a recipe file: YAML when the name ends in {@code .yaml} or {@code .yml}, JSON otherwise. */
  public static Recipe read(Path file) {
    return read(file, Recipe.class);
  }

  /** Reads a recipe file of the given type (YAML by extension {@code .yaml}/{@code .yml}, else JSON). */
  public static <R extends Recipe> R read(Path file, Class<R> type) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read recipe file " + file, e);
    }
    try {
      return isYaml(file) ? fromYaml(text, type) : fromJson(text, type);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** Writes a recipe file: YAML when the name ends in {@code .yaml} or {@code .yml}, JSON otherwise. */
  public static void write(Recipe recipe, Path file) {
    try {
      Files.writeString(file, isYaml(file) ? toYaml(recipe) : toJson(recipe));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write recipe file " + file, e);
    }
  }

  private static boolean isYaml(Path file) {
    Path name = file.getFileName();
    String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
    return lower.endsWith(".yaml") || lower.endsWith(".yml");
  }

  private static String write(ObjectMapper mapper, Recipe recipe, String format) {
    try {
      return mapper.writerFor(Recipe.class).writeValueAsString(recipe);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write recipe " + recipe.getName() + " as " + format, e);
    }
  }

  private static <R extends Recipe> R read(ObjectMapper mapper, String text, Class<R> type, String format) {
    Recipe recipe;
    try {
      recipe = mapper.readValue(text, Recipe.class);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException("invalid recipe " + format + ": " + cause.getMessage(), cause);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "invalid recipe " + format + ": " + e.getOriginalMessage() + kindHint(e), e);
    }
    if (!type.isInstance(recipe)) {
      throw new IllegalArgumentException(
          "recipe " + recipe.getName() + " is of kind " + recipe.getKind().id() + ", expected a "
              + type.getSimpleName());
    }
    return type.cast(recipe);
  }

  private static String kindHint(JsonProcessingException e) {
    String message = String.valueOf(e.getOriginalMessage());
    return message.contains("type id") ? " (field kind must be one of pretrain, finetune, linprobe)" : "";
  }
}
