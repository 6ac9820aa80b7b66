/** CLIP's two towers written on DJL's NDArray operations, their configs, and the key maps of each published layout. */
package dev.lookalike.embed.clip;
