package dev.lookalike.embed;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.SinglePixelPackedSampleModel;
import java.util.Objects;

/**
 * Turns an RGB image into the tensor a CLIP image encoder takes, exactly as the Python reference does:
 * torchvision's {@code Resize(size, BICUBIC)} on a Pillow image (shortest side to {@code size}),
 * {@code CenterCrop(size)}, {@code ToTensor()} and {@code Normalize(mean, std)}; or, with
 * {@link ImageSpec#CROP_CENTER_FLOOR}, transformers' {@code CLIPImageProcessor}, whose centre crop rounds
 * its offset down (its resize is the same, see {@link #resizedCrop}).
 *
 * <p>The resize reproduces Pillow's fixed-point arithmetic (see {@link ImageResampler}), so the 8-bit
 * crop equals Pillow's, and the normalisation uses the same float32 operations as torch, so the
 * tensor matches the reference bit for bit on the golden images in the tests.
 *
 * <p>Immutable and thread-safe: one instance can serve every embedding thread.
 */
public final class ImagePreprocessor {

    private final ImageSpec spec;
    private final int size;
    private final ImageResampler.Filter filter;
    /** transformers' centre crop rather than torchvision's. */
    private final boolean floorCrop;
    /** normalised[c][v]: the tensor value of sample v in channel c, computed once. */
    private final float[][] normalised = new float[3][256];

    /**
     * @throws NullPointerException if {@code spec} is null
     */
    public ImagePreprocessor(ImageSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.size = spec.size();
        this.filter = ImageResampler.Filter.named(spec.interpolation());
        this.floorCrop = ImageSpec.CROP_CENTER_FLOOR.equals(spec.crop());
        float[] mean = spec.mean();
        float[] std = spec.std();
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                // Same float32 steps as ToTensor (v / 255) then Normalize ((x - mean) / std).
                normalised[c][v] = ((float) v / 255f - mean[c]) / std[c];
            }
        }
    }

    /** The spec this preprocessor follows. */
    public ImageSpec spec() {
        return spec;
    }

    /**
     * The model input for one image: {@code 3 × size × size} floats, channel-major (all R, then G, then B),
     * rows top to bottom.
     *
     * @param rgb an opaque image, normally {@link DecodedImage#image()}; any alpha channel is ignored
     *            (composite it first, as {@link ImageDecoder} does)
     * @throws NullPointerException if {@code rgb} is null
     */
    public float[] pixels(BufferedImage rgb) {
        int[] crop = resizedCrop(rgb);
        int plane = size * size;
        float[] out = new float[3 * plane];
        float[] r = normalised[0];
        float[] g = normalised[1];
        float[] b = normalised[2];
        for (int i = 0; i < plane; i++) {
            int p = crop[i];
            out[i] = r[(p >>> 16) & 0xFF];
            out[plane + i] = g[(p >>> 8) & 0xFF];
            out[2 * plane + i] = b[p & 0xFF];
        }
        return out;
    }

    /** The tensor value of 8-bit sample {@code v} in channel {@code c}; for the tests. */
    float normalised(int c, int v) {
        return normalised[c][v];
    }

    /**
     * The 8-bit image after resize and centre crop, packed 0xRRGGBB, {@code size × size} row by row:
     * what Pillow holds just before {@code ToTensor}. Exposed to the tests, which compare it exactly.
     */
    int[] resizedCrop(BufferedImage rgb) {
        Objects.requireNonNull(rgb, "rgb");
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        // torchvision's Resize(int): the shortest side becomes size, the other int(size * long / short).
        // transformers' CLIPImageProcessor ({"shortest_edge": size}) computes the same in
        // image_transforms.get_resize_output_image_size(default_to_square=False):
        // new_long = int(requested_new_short * long / short), then resizes with Pillow too.
        int shortSide = Math.min(w, h);
        int longSide = Math.max(w, h);
        int newLong = (int) ((double) ((long) size * longSide) / shortSide);
        int newW = w <= h ? size : newLong;
        int newH = w <= h ? newLong : size;
        Pixels px = Pixels.of(rgb);
        return ImageResampler.resize(px.data, px.offset, px.stride, w, h, newW, newH, filter,
                offset(newW), offset(newH), size, size);
    }

    private int offset(int n) {
        return floorCrop ? cropOffsetFloor(n, size) : cropOffset(n, size);
    }

    /**
     * torchvision's CenterCrop offset along one axis: {@code int(round((n - crop) / 2.0))} with Python's
     * round-half-even, or, when the image is smaller than the crop, minus the zero padding it adds on the
     * leading side. After a shortest-side resize the image is never smaller, but the rule costs nothing.
     */
    static int cropOffset(int n, int crop) {
        if (crop > n) {
            return -((crop - n) / 2);
        }
        return (int) Math.rint((n - crop) / 2.0);
    }

    /**
     * transformers' centre crop offset along one axis ({@code image_transforms.center_crop}, which
     * CLIPImageProcessor calls): {@code (n - crop) // 2}, rounding down; when the image is smaller than the
     * crop it is zero padded by {@code ceil((crop - n) / 2)} on the leading side, so minus that.
     */
    static int cropOffsetFloor(int n, int crop) {
        if (crop > n) {
            return -((crop - n + 1) / 2);
        }
        return (n - crop) / 2;
    }

    /**
     * A good-quality resize of an RGB image with Pillow's antialiased bicubic filter; for thumbnails.
     *
     * @return a new {@link BufferedImage#TYPE_INT_RGB} image
     * @throws IllegalArgumentException if a size is not positive
     */
    static BufferedImage resizeBicubic(BufferedImage rgb, int outW, int outH) {
        Pixels px = Pixels.of(rgb);
        int[] data = ImageResampler.resize(px.data, px.offset, px.stride, rgb.getWidth(), rgb.getHeight(),
                outW, outH, ImageResampler.Filter.BICUBIC, 0, 0, outW, outH);
        BufferedImage out = new BufferedImage(outW, outH, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, outW, outH, data, 0, outW);
        return out;
    }

    /** Packed RGB ints of an image: its own buffer when it is an int-RGB image, else a converted copy. */
    private record Pixels(int[] data, int offset, int stride) {
        static Pixels of(BufferedImage img) {
            int type = img.getType();
            if ((type == BufferedImage.TYPE_INT_RGB || type == BufferedImage.TYPE_INT_ARGB)
                    && img.getRaster().getDataBuffer() instanceof DataBufferInt buffer
                    && img.getSampleModel() instanceof SinglePixelPackedSampleModel sm
                    && buffer.getNumBanks() == 1) {
                // Reading the buffer in place avoids copying a multi-megapixel photo; the raster may be a
                // child (sub-image), hence its translation and the sample model's stride.
                var raster = img.getRaster();
                int offset = buffer.getOffset()
                        + sm.getOffset(-raster.getSampleModelTranslateX(), -raster.getSampleModelTranslateY());
                return new Pixels(buffer.getData(), offset, sm.getScanlineStride());
            }
            int w = img.getWidth();
            int h = img.getHeight();
            return new Pixels(img.getRGB(0, 0, w, h, null, 0, w), 0, w);
        }
    }
}
