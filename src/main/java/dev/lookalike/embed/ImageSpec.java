package dev.lookalike.embed;

import java.util.Arrays;
import java.util.Objects;

/**
 * How a model wants its images prepared: the {@code "image"} object of the model package's json.
 * The component names are the json names, so Jackson reads it as is.
 *
 * <pre>{"size": 224, "resize": "shortest", "interpolation": "bicubic", "crop": "center",
 *  "mean": [0.48145466, 0.4578275, 0.40821073], "std": [0.26862954, 0.26130258, 0.27577711]}</pre>
 *
 * @param size          side of the square the model sees, in pixels (1..4096)
 * @param resize        how the image is scaled before cropping; only {@code "shortest"} (the shortest
 *                      side becomes {@code size}, as torchvision's {@code Resize(int)}) is supported
 * @param interpolation {@code "bicubic"} or {@code "bilinear"}, with Pillow's antialiasing filters
 * @param crop          {@value #CROP_CENTER}: torchvision's {@code CenterCrop}, offset
 *                      {@code int(round((n - size) / 2.0))}, rounding half to even (OpenAI's CLIP and
 *                      every package before this mode existed); or {@value #CROP_CENTER_FLOOR}: transformers'
 *                      {@code CLIPImageProcessor} ({@code image_transforms.center_crop}), offset
 *                      {@code (n - size) // 2}. They differ by one pixel when {@code n - size} is odd and
 *                      its half rounds up to an even number (227 → 224: torchvision 2, transformers 1).
 * @param mean          per-channel mean (R, G, B) subtracted after scaling samples to 0..1
 * @param std           per-channel standard deviation (R, G, B) divided by afterwards; all positive
 */
@io.quarkus.runtime.annotations.RegisterForReflection // read by Jackson, also in a native executable
public record ImageSpec(int size, String resize, String interpolation, String crop, float[] mean, float[] std) {

    /** torchvision's {@code CenterCrop}: the offset rounds half to even. */
    public static final String CROP_CENTER = "center";
    /** transformers' {@code CLIPImageProcessor} centre crop: the offset rounds down. */
    public static final String CROP_CENTER_FLOOR = "center-floor";

    /** The largest {@link #size} accepted; far beyond any CLIP model, small enough to bound memory. */
    public static final int MAX_SIZE = 4096;

    /**
     * Validates every field.
     *
     * @throws IllegalArgumentException naming the first field that is missing or out of range
     */
    public ImageSpec {
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("image.size must be 1.." + MAX_SIZE + ", got " + size);
        }
        if (!"shortest".equals(resize)) {
            throw new IllegalArgumentException("image.resize must be \"shortest\", got " + quoted(resize));
        }
        if (!"bicubic".equals(interpolation) && !"bilinear".equals(interpolation)) {
            throw new IllegalArgumentException(
                    "image.interpolation must be \"bicubic\" or \"bilinear\", got " + quoted(interpolation));
        }
        if (!CROP_CENTER.equals(crop) && !CROP_CENTER_FLOOR.equals(crop)) {
            throw new IllegalArgumentException("image.crop must be \"" + CROP_CENTER + "\" or \"" + CROP_CENTER_FLOOR
                    + "\", got " + quoted(crop));
        }
        mean = checkedTriple("image.mean", mean, false);
        std = checkedTriple("image.std", std, true);
    }

    /**
     * The preprocessing of OpenAI's CLIP models: shortest side to {@code size} with bicubic filtering,
     * centre crop, and the mean/std OpenAI computed on their training set.
     *
     * @throws IllegalArgumentException if {@code size} is outside 1..{@value #MAX_SIZE}
     */
    public static ImageSpec openAiClip(int size) {
        return new ImageSpec(size, "shortest", "bicubic", CROP_CENTER,
                new float[] {0.48145466f, 0.4578275f, 0.40821073f},
                new float[] {0.26862954f, 0.26130258f, 0.27577711f});
    }

    /**
     * Checks a batch handed to a model's image tower: each image CHW float32 of this spec's size.
     *
     * @throws IllegalArgumentException naming the first length that is not 3·size·size
     */
    public void checkPixels(java.util.List<float[]> pixels) {
        int expected = 3 * size * size;
        for (float[] p : pixels) {
            if (p.length != expected) {
                throw new IllegalArgumentException("pixels of length " + p.length + ", expected " + expected);
            }
        }
    }

    /** A copy: the record stays immutable although arrays are not. */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /** A copy: the record stays immutable although arrays are not. */
    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageSpec other
                && size == other.size
                && resize.equals(other.resize)
                && interpolation.equals(other.interpolation)
                && crop.equals(other.crop)
                && Arrays.equals(mean, other.mean)
                && Arrays.equals(std, other.std);
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, resize, interpolation, crop, Arrays.hashCode(mean), Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return "ImageSpec[size=" + size + ", resize=" + resize + ", interpolation=" + interpolation
                + ", crop=" + crop + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }

    private static float[] checkedTriple(String field, float[] values, boolean positive) {
        if (values == null || values.length != 3) {
            throw new IllegalArgumentException(field + " must have 3 values (R, G, B), got "
                    + (values == null ? "none" : values.length));
        }
        for (float v : values) {
            if (!Float.isFinite(v) || (positive && v <= 0f)) {
                throw new IllegalArgumentException(field + " must hold " + (positive ? "positive " : "")
                        + "finite numbers, got " + Arrays.toString(values));
            }
        }
        return values.clone();
    }

    private static String quoted(String s) {
        return s == null ? "nothing" : "\"" + s + "\"";
    }
}
