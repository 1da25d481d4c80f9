/**
 * mae4j's configuration and recipe types: pure Java, no native code. A consumer who only composes configurations
 * and recipes depends on this module alone.
 */
module io.github.mae4j.api {
  requires transitive com.fasterxml.jackson.annotation;
  requires transitive com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires static org.immutables.value.annotations;
  requires static transitive org.jspecify;

  exports io.github.mae4j.api;
  exports io.github.mae4j.api.recipe;
  exports io.github.mae4j.api.schedule;

  // Jackson builds the package-private Immutable* classes behind the public abstract types by reflection
  opens io.github.mae4j.api to com.fasterxml.jackson.databind;
  opens io.github.mae4j.api.recipe to com.fasterxml.jackson.databind;
  opens io.github.mae4j.api.schedule to com.fasterxml.jackson.databind;
}
