package io.github.mae4j.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Fields that recipes written by earlier versions hold, read into today's: a model's boolean {@code normPixLoss}
 * becomes {@code target: normalized-pixels | pixels}. Writing uses only today's names.
 */
final class LegacyFields extends BeanDeserializerModifier {
  private LegacyFields() {}

  /** The Jackson module that installs the rewriting. */
  static SimpleModule module() {
    return new SimpleModule("mae4j-legacy-fields").setDeserializerModifier(new LegacyFields());
  }

  @Override
  public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription desc,
      JsonDeserializer<?> deserializer) {
    Class<?> c = desc.getBeanClass();
    return c == ImmutableMaeConfig.class || c == MaeConfig.class ? new ModelFields(deserializer) : deserializer;
  }

  /** {@code normPixLoss: true|false} → {@code target: normalized-pixels|pixels}, then the usual reading. */
  private static final class ModelFields extends DelegatingDeserializer {
    ModelFields(JsonDeserializer<?> delegatee) {
      super(delegatee);
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
      return new ModelFields(newDelegatee);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonNode tree = ctxt.readTree(p);
      if (tree instanceof ObjectNode o && o.has("normPixLoss")) {
        JsonNode old = o.remove("normPixLoss");
        if (!old.isBoolean()) {
          throw InvalidFormatException.from(p, "normPixLoss must be true or false, got " + old, old, Boolean.class);
        }
        if (o.has("target")) {
          throw InvalidFormatException.from(p, "give the target (target: normalized-pixels|pixels) or the former "
              + "normPixLoss, not both", old, Boolean.class);
        }
        o.put("target", old.booleanValue() ? ReconstructionTarget.NORMALIZED_PIXELS.id()
            : ReconstructionTarget.PIXELS.id());
      }
      JsonParser tp = tree.traverse(p.getCodec());
      tp.nextToken();
      return _delegatee.deserialize(tp, ctxt);
    }
  }
}
