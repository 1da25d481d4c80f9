package io.github.mae4j.torch.io.pth;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A Python {@code collections.OrderedDict}: read from checkpoints (what {@code module.state_dict()} is) and written
 * back as one. Other maps are written as plain {@code dict}s. {@link #attributes()} holds the instance attributes a
 * pickle sets on it (PyTorch's {@code _metadata}); they are read but never written.
 */
public final class PyOrderedDict extends LinkedHashMap<Object, @Nullable Object> {
  private static final long serialVersionUID = 1L;
  private final Map<String, @Nullable Object> attributes = new LinkedHashMap<>();

  /** An empty ordered dict. */
  public PyOrderedDict() {}

  /** An ordered dict holding {@code entries} in their iteration order. */
  public PyOrderedDict(Map<?, ?> entries) {
    super(entries);
  }

  /** Attributes set on the Python object (e.g. {@code _metadata} of a state dict); mutable. */
  public Map<String, @Nullable Object> attributes() {
    return attributes;
  }
}
