package io.github.mae4j.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.immutables.value.Value;

/**
 * The one Immutables style shared by every mae4j value type: {@code get*}/{@code is*} accessors (Kotlin sees
 * properties), plain builder setters, generated {@code Immutable*} classes kept package-private behind the
 * abstract type, and a public nested {@code Builder}.
 */
@Target({ElementType.PACKAGE, ElementType.TYPE})
@Retention(RetentionPolicy.CLASS)
@Value.Style(
    get = {"get*", "is*"},
    init = "*",
    typeImmutable = "Immutable*",
    visibility = Value.Style.ImplementationVisibility.PACKAGE,
    builderVisibility = Value.Style.BuilderVisibility.PUBLIC,
    overshadowImplementation = true,
    jdkOnly = true,
    defaults = @Value.Immutable(copy = true))
public @interface MaeStyle {}
