package dev.lookalike.embed.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.embed.ModelLoadException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Configs shaped like the published ones, read as transformers and open_clip read them. */
class ClipConfigTest {

    private static JsonNode json(String s) throws Exception {
        return new ObjectMapper().readTree(s);
    }

    @Test
    void openAiBasePatch32TakesTheDefaultsForWhatItLeavesOut() throws Exception {
        // the keys of openai/clip-vit-base-patch32's config.json that matter; text_config_dict is null there
        ClipConfig c = ConfigReader.transformers(json("""
                {"model_type": "clip", "projection_dim": 512, "text_config_dict": null, "vision_config_dict": null,
                 "text_config": {"eos_token_id": 2, "hidden_act": "quick_gelu", "hidden_size": 512},
                 "vision_config": {"hidden_size": 768, "patch_size": 32, "image_size": 224}}"""), "config.json");
        assertEquals(ClipConfig.POOL_AT_ARGMAX, c.eosTokenId());
        assertEquals(new ClipConfig.Encoder(512, 12, 8, 2048, ClipConfig.Activation.QUICK_GELU, 1e-5), c.text());
        assertEquals(new ClipConfig.Encoder(768, 12, 12, 3072, ClipConfig.Activation.QUICK_GELU, 1e-5), c.vision());
        assertEquals(7, c.grid());
        assertEquals(49408, c.vocabSize());
        assertEquals(77, c.contextLength());
    }

    @Test
    void aConfigDictWinsAndItsAbsentKeysMeanTheDefaults() throws Exception {
        ClipConfig c = ConfigReader.transformers(json("""
                {"model_type": "clip", "projection_dim": 768,
                 "text_config": {"hidden_size": 768, "eos_token_id": 2, "num_attention_heads": 12},
                 "text_config_dict": {"hidden_size": 768, "num_attention_heads": 12, "intermediate_size": 3072},
                 "vision_config": {"hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16,
                                   "intermediate_size": 4096, "patch_size": 14}}"""), "config.json");
        assertEquals(49407, c.eosTokenId()); // CLIPTextConfig's default, over text_config's 2
        assertEquals(768, c.text().width());
        assertEquals(16, c.grid());
    }

    @Test
    void otherModelTypesAndActivationsAreRefusedByName() throws Exception {
        for (String type : new String[] {"siglip", "chinese_clip", "altclip"}) {
            var e = assertThrows(ModelLoadException.class,
                    () -> ConfigReader.transformers(json("{\"model_type\": \"" + type + "\"}"), "config.json"));
            assertTrue(e.getMessage().contains(type), e.getMessage());
        }
        var e = assertThrows(ModelLoadException.class, () -> ConfigReader.transformers(
                json("{\"model_type\": \"clip\", \"text_config\": {\"hidden_act\": \"gelu_new\"}}"), "config.json"));
        assertTrue(e.getMessage().contains("gelu_new"), e.getMessage());
    }

    @Test
    void openClipViTB32AsInItsModelConfig() throws Exception {
        // open_clip's model_configs/ViT-B-32.json, as laion/CLIP-ViT-B-32-laion2B-s34B-b79K's open_clip_config.json holds it
        ClipConfig c = ConfigReader.openClip(json("""
                {"model_cfg": {"embed_dim": 512,
                  "vision_cfg": {"image_size": 224, "layers": 12, "width": 768, "patch_size": 32},
                  "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 512, "heads": 8, "layers": 12}},
                 "preprocess_cfg": {"mean": [0.48145466, 0.4578275, 0.40821073],
                                    "std": [0.26862954, 0.26130258, 0.27577711]}}"""), "open_clip_config.json");
        assertEquals(new ClipConfig.Encoder(768, 12, 12, 3072, ClipConfig.Activation.GELU, 1e-5), c.vision());
        assertEquals(new ClipConfig.Encoder(512, 12, 8, 2048, ClipConfig.Activation.GELU, 1e-5), c.text());
        assertEquals(ClipConfig.POOL_AT_ARGMAX, c.eosTokenId());
        assertEquals(512, c.projectionDim());
    }

    @Test
    void openClipTowersThatAreNotPlainViTsAreRefusedByName() throws Exception {
        String[][] cases = {
                {"\"vision_cfg\": {\"layers\": [3, 4, 6, 3]}", "ModifiedResNet"},
                {"\"vision_cfg\": {\"timm_model_name\": \"convnext_base\"}", "convnext_base"},
                {"\"text_cfg\": {\"hf_model_name\": \"xlm-roberta-base\"}", "xlm-roberta-base"},
                {"\"vision_cfg\": {\"pool_type\": \"avg\"}", "pool_type"},
                {"\"vision_cfg\": {\"ls_init_value\": 1e-5}", "ls_init_value"},
                {"\"text_cfg\": {\"proj_bias\": true}", "proj_bias"},
                {"\"init_logit_bias\": -10", "SigLIP"},
                {"\"multimodal_cfg\": {}", "CoCa"}};
        for (String[] c : cases) {
            var e = assertThrows(ModelLoadException.class, () -> ConfigReader.openClip(
                    json("{\"model_cfg\": {\"embed_dim\": 512, " + c[0] + "}}"), "open_clip_config.json"), c[1]);
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
    }
}
