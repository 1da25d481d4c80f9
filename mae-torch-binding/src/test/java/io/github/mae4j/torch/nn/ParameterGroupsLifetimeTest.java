package io.github.mae4j.torch.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.mae4j.api.MaeConfig;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.StringTensorDict;
import org.junit.jupiter.api.Test;

/**
 * The tensors of {@link MaskedAutoencoder#parameterGroups()} are the module's own parameters (same storage), count
 * every trainable value, and stay usable after the dictionary they were read from is garbage. (The dangling case
 * this guards against did not crash here without the fix: freed memory is not reliably reused.)
 */
class ParameterGroupsLifetimeTest {
  @Test
  void parameterGroups_afterTheirDictionaryIsFreed_stillShareTheModuleStorage() {
    MaeConfig config = MaeConfig.tiny().toBuilder().encoder(e -> e.depth(1)).decoder(d -> d.depth(1)).build();
    try (MaskedAutoencoder mae = MaskedAutoencoder.create(config, 0)) {
      // taken outside any scope, as a trainer does; the dictionary read inside is garbage from here on
      ParameterGroups groups = mae.parameterGroups();
      // churn native allocations where a freed dictionary's memory would be reused
      for (int i = 0; i < 50; i++) {
        try (PointerScope scope = new PointerScope()) {
          StringTensorDict d = mae.module().named_parameters(true);
          assertThat(d.size()).isPositive();
        }
        System.gc();
        Thread.onSpinWait();
      }
      Map<String, Long> pointers = new HashMap<>();
      StringTensorDict live = mae.module().named_parameters(true);
      for (int i = 0; i < live.size(); i++) {
        pointers.put(live.get(i).key().getString(), live.get(i).value().data_ptr().address());
      }
      long total = 0;
      for (var list : java.util.List.of(groups.decay(), groups.noDecay())) {
        for (NamedParameter p : list) {
          assertThat(p.tensor().data_ptr().address()).as(p.name()).isEqualTo(pointers.get(p.name()));
          total += p.tensor().numel();
        }
      }
      assertThat(total).isEqualTo(config.getParameterCount());
    }
  }
}
