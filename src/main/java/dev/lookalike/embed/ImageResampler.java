package dev.lookalike.embed;

import java.util.Arrays;

/**
 * Pillow's separable resampling ({@code Image.resize} with a bicubic or bilinear filter on an 8-bit RGB
 * image), reimplemented so the Java side feeds the model the same pixels as the Python reference.
 *
 * <p>The arithmetic follows Pillow's {@code libImaging/Resample.c} step by step, because the point is
 * bit-exact agreement, not just a good-looking resize: coefficients are computed in double precision
 * exactly as Pillow orders the operations, turned into 22-bit fixed point with Pillow's rounding, and
 * accumulated in 32-bit ints from a half-unit start; the horizontal pass runs first into an 8-bit
 * intermediate (clipped), restricted to the source rows the vertical pass reads. On top of Pillow, only
 * the output pixels inside a requested window (the centre crop) are computed; every output pixel
 * depends on its own coefficients only, so this changes no value.
 *
 * <p>Stateless; every method is safe to call from many threads.
 */
final class ImageResampler {

    /** Pillow's {@code PRECISION_BITS}: 32 bits minus 8 for the sample and 2 for overshoot and sign. */
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);

    /** A resampling filter: its kernel and the support it has at scale 1. */
    enum Filter {
        /** Keys' cubic convolution with a = -0.5, as Pillow's {@code BICUBIC}. */
        BICUBIC(2.0) {
            @Override
            double weight(double x) {
                final double a = -0.5;
                if (x < 0.0) {
                    x = -x;
                }
                if (x < 1.0) {
                    return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                }
                if (x < 2.0) {
                    return (((x - 5) * x + 8) * x - 4) * a;
                }
                return 0.0;
            }
        },
        /** The triangle filter, as Pillow's {@code BILINEAR}. */
        BILINEAR(1.0) {
            @Override
            double weight(double x) {
                if (x < 0.0) {
                    x = -x;
                }
                return x < 1.0 ? 1.0 - x : 0.0;
            }
        };

        final double support;

        Filter(double support) {
            this.support = support;
        }

        abstract double weight(double x);

        /**
         * The filter an {@link ImageSpec#interpolation()} names.
         *
         * @throws IllegalArgumentException for any other name
         */
        static Filter named(String interpolation) {
            return switch (interpolation) {
                case "bicubic" -> BICUBIC;
                case "bilinear" -> BILINEAR;
                default -> throw new IllegalArgumentException("unknown interpolation " + interpolation);
            };
        }
    }

    private ImageResampler() {
    }

    /**
     * Resizes a packed RGB image (0xRRGGBB ints, any high byte ignored) to {@code outW × outH} and returns
     * the window {@code [winX, winX + winW) × [winY, winY + winH)} of the result, packed the same way.
     * Window pixels outside the resized image are 0 (black), as torchvision pads a crop.
     *
     * @param src    source pixels; row {@code y} starts at {@code offset + y * stride}
     * @throws IllegalArgumentException if a size is not positive
     */
    static int[] resize(int[] src, int offset, int stride, int srcW, int srcH, int outW, int outH,
                        Filter filter, int winX, int winY, int winW, int winH) {
        if (srcW <= 0 || srcH <= 0 || outW <= 0 || outH <= 0 || winW <= 0 || winH <= 0) {
            throw new IllegalArgumentException("sizes must be positive: " + srcW + "x" + srcH + " -> "
                    + outW + "x" + outH + " window " + winW + "x" + winH);
        }
        // The part of the window that lies on the resized image; the rest stays 0.
        int x0 = Math.max(winX, 0);
        int x1 = Math.min(winX + winW, outW);
        int y0 = Math.max(winY, 0);
        int y1 = Math.min(winY + winH, outH);
        int[] out = new int[winW * winH];
        if (x0 >= x1 || y0 >= y1) {
            return out;
        }
        int cw = x1 - x0;
        int ch = y1 - y0;

        // Pillow skips a pass whose size does not change; that pass would be the identity anyway.
        boolean needHorizontal = outW != srcW;
        boolean needVertical = outH != srcH;
        Coefficients horizontal = needHorizontal ? Coefficients.of(srcW, outW, filter, x0, x1) : null;
        Coefficients vertical = needVertical ? Coefficients.of(srcH, outH, filter, y0, y1) : null;

        // Source rows the vertical pass reads (bounds grow monotonically with the output index).
        int rowFirst = needVertical ? vertical.min[0] : y0;
        int rowEnd = needVertical ? vertical.min[ch - 1] + vertical.count[ch - 1] : y1;
        int rows = rowEnd - rowFirst;

        int[] temp = new int[rows * cw];
        if (needHorizontal) {
            horizontalPass(src, offset, stride, srcW, rowFirst, rows, horizontal, temp, cw);
        } else {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(src, offset + (rowFirst + r) * stride + x0, temp, r * cw, cw);
            }
        }

        int outBase = (y0 - winY) * winW + (x0 - winX);
        if (needVertical) {
            verticalPass(temp, cw, rowFirst, vertical, out, outBase, winW, ch);
        } else {
            for (int r = 0; r < ch; r++) {
                System.arraycopy(temp, r * cw, out, outBase + r * winW, cw);
            }
        }
        if (!needHorizontal && !needVertical) {
            // Pillow copies without touching the samples; drop any alpha byte the caller left in.
            for (int i = 0; i < out.length; i++) {
                out[i] &= 0xFFFFFF;
            }
        }
        return out;
    }

    private static void horizontalPass(int[] src, int offset, int stride, int srcW, int rowFirst, int rows,
                                       Coefficients c, int[] temp, int cw) {
        int[] kk = c.fixed;
        int ksize = c.ksize;
        // Red and blue share one long multiply: red in the high 32 bits, blue in the low. Pillow's
        // accumulators never leave int range (that is what its two spare bits are for), so the blue sum
        // can be read back from the low half exactly and subtracted to leave the red sum.
        long[] redBlue = new long[srcW];
        int[] green = new int[srcW];
        // Only the source columns the window's taps touch (bounds grow with the output index).
        int colFirst = c.min[0];
        int colEnd = c.min[cw - 1] + c.count[cw - 1];
        for (int r = 0; r < rows; r++) {
            int rowBase = offset + (rowFirst + r) * stride;
            for (int x = colFirst; x < colEnd; x++) {
                int p = src[rowBase + x];
                redBlue[x] = ((long) (p & 0xFF0000) << 16) | (p & 0xFF);
                green[x] = (p >>> 8) & 0xFF;
            }
            int tempBase = r * cw;
            for (int j = 0; j < cw; j++) {
                int base = c.min[j];
                int n = c.count[j];
                int k0 = j * ksize;
                long rb = ((long) HALF << 32) + HALF;
                int g = HALF;
                for (int t = 0; t < n; t++) {
                    int k = kk[k0 + t];
                    rb += redBlue[base + t] * k;
                    g += green[base + t] * k;
                }
                int b = (int) rb;
                int red = (int) ((rb - b) >> 32);
                temp[tempBase + j] = (clip8(red) << 16) | (clip8(g) << 8) | clip8(b);
            }
        }
    }

    private static void verticalPass(int[] temp, int cw, int rowFirst, Coefficients c, int[] out,
                                     int outBase, int outStride, int ch) {
        int[] kk = c.fixed;
        int ksize = c.ksize;
        // Row-at-a-time accumulation walks memory sequentially; the sums are the same as Pillow's
        // pixel-at-a-time loop because integer addition is exact and order-free.
        int[] s0 = new int[cw];
        int[] s1 = new int[cw];
        int[] s2 = new int[cw];
        for (int i = 0; i < ch; i++) {
            Arrays.fill(s0, HALF);
            Arrays.fill(s1, HALF);
            Arrays.fill(s2, HALF);
            int first = c.min[i] - rowFirst;
            int n = c.count[i];
            for (int t = 0; t < n; t++) {
                int k = kk[i * ksize + t];
                int row = (first + t) * cw;
                for (int j = 0; j < cw; j++) {
                    int p = temp[row + j];
                    s0[j] += ((p >>> 16) & 0xFF) * k;
                    s1[j] += ((p >>> 8) & 0xFF) * k;
                    s2[j] += (p & 0xFF) * k;
                }
            }
            int o = outBase + i * outStride;
            for (int j = 0; j < cw; j++) {
                out[o + j] = (clip8(s0[j]) << 16) | (clip8(s1[j]) << 8) | clip8(s2[j]);
            }
        }
    }

    /** Pillow's {@code clip8}: drop the fraction bits, then clamp to 0..255. */
    private static int clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** Fixed-point filter taps for output indices {@code [from, to)} of one axis. */
    private static final class Coefficients {
        final int ksize;
        final int[] min;
        final int[] count;
        final int[] fixed;

        private Coefficients(int ksize, int n) {
            this.ksize = ksize;
            this.min = new int[n];
            this.count = new int[n];
            this.fixed = new int[n * ksize];
        }

        static Coefficients of(int inSize, int outSize, Filter filter, int from, int to) {
            // Pillow computes the scale from a float box (0, inSize); inSize is exact as a float.
            double scale = (double) (float) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filter.support * filterScale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            double ss = 1.0 / filterScale;
            Coefficients c = new Coefficients(ksize, to - from);
            double[] w = new double[ksize];
            for (int i = 0; i < to - from; i++) {
                double center = (from + i + 0.5) * scale;
                int xmin = Math.max((int) (center - support + 0.5), 0);
                int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
                double sum = 0.0;
                for (int x = 0; x < xmax; x++) {
                    w[x] = filter.weight((x + xmin - center + 0.5) * ss);
                    sum += w[x];
                }
                for (int x = 0; x < xmax; x++) {
                    double k = sum != 0.0 ? w[x] / sum : w[x];
                    // Pillow rounds half away from zero by truncating k ± 0.5.
                    c.fixed[i * ksize + x] = k < 0
                            ? (int) (-0.5 + k * (1 << PRECISION_BITS))
                            : (int) (0.5 + k * (1 << PRECISION_BITS));
                }
                c.min[i] = xmin;
                c.count[i] = xmax;
            }
            return c;
        }
    }
}
