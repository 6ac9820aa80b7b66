/** Hugging Face Hub names, downloads and the cache shared with huggingface_hub (its layout, refs and locks). */
package dev.lookalike.embed.hub;
