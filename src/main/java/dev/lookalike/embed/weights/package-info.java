/** Checkpoint readers (safetensors, PyTorch's zip format, sharded indexes): bytes in, named float32 tensors out. */
package dev.lookalike.embed.weights;
