/** The CLIP engine (DJL stays in here), image decoding and preprocessing, the tokenizer, the embed run. */
package dev.lookalike.embed;
