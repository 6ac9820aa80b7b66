package dev.lookalike.embed;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * A photo decoded and made ready for preprocessing: upright and opaque.
 *
 * @param image  {@link BufferedImage#TYPE_INT_RGB} pixels, after the EXIF orientation was applied and any
 *               transparency composited on white
 * @param format the container it came in, lower case: {@code "jpeg"}, {@code "png"}, {@code "webp"},
 *               {@code "gif"}, {@code "bmp"}, or whatever other name the ImageIO reader gives
 * @param width  width of {@code image}, after orientation
 * @param height height of {@code image}, after orientation
 */
public record DecodedImage(BufferedImage image, String format, int width, int height) {

    /**
     * @throws NullPointerException     if {@code image} or {@code format} is null
     * @throws IllegalArgumentException if the sizes are not the image's or it is not int-RGB
     */
    public DecodedImage {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(format, "format");
        if (image.getType() != BufferedImage.TYPE_INT_RGB) {
            throw new IllegalArgumentException("image must be TYPE_INT_RGB, got type " + image.getType());
        }
        if (image.getWidth() != width || image.getHeight() != height) {
            throw new IllegalArgumentException("size " + width + "x" + height + " is not the image's "
                    + image.getWidth() + "x" + image.getHeight());
        }
    }
}
