package dev.lookalike.embed;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Decodes downloaded image files defensively: whatever the bytes are, {@link #decode} either returns an
 * upright opaque RGB image or throws {@link ImageDecodeException} with a message a person can act on.
 *
 * <p>Formats: JPEG (baseline, progressive, greyscale, CMYK/YCCK through TwelveMonkeys), PNG (1–16 bit,
 * palette, grey, alpha), WebP (lossy, lossless, alpha, first frame of an animation: through libwebp as Pillow
 * decodes it when {@link WebP} finds it installed, else TwelveMonkeys), GIF (first frame), BMP, TIFF.
 * The file type is recognised from its magic number, not its name or the server's content type: shops
 * serve HTML error pages as {@code .jpg}, and ImageIO's WBMP reader would claim almost any unknown bytes.
 *
 * <p>Safety: the pixel count is read from the header before any pixel memory is allocated, so a
 * decompression bomb (a few hundred bytes claiming 50,000 × 50,000 pixels) is refused cheaply; only the
 * first frame of an animation is read; exceptions and errors thrown by ImageIO plugins on hostile input
 * become {@link ImageDecodeException}. A truncated file is refused ("truncated image") rather than
 * returned half grey, as Pillow does by default.
 *
 * <p>Conventions (those of Pillow, so embeddings match the Python reference): samples deeper than 8 bits
 * keep their high byte; grey becomes R = G = B; alpha is composited on white,
 * {@code round((c·a + 255·(255 − a)) / 255)}; the JPEG EXIF orientation is applied like Pillow's
 * {@code ImageOps.exif_transpose}. Colour profiles other than CMYK's are not applied (Pillow ignores
 * them too).
 *
 * <p>Immutable and thread-safe; every reader is disposed after use.
 */
public final class ImageDecoder {

    /** 40 megapixels: above any product photo, small enough that a decode cannot exhaust the heap. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    private static final int JPEG_ORIENTATION_TAG = 0x0112;

    private final long maxPixels;
    private final boolean turbo;
    private final boolean libwebp;

    /** A decoder with {@link #DEFAULT_MAX_PIXELS}. */
    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS);
    }

    /**
     * @param maxPixels the largest width × height accepted
     * @throws IllegalArgumentException if {@code maxPixels} is not positive
     */
    public ImageDecoder(long maxPixels) {
        this(maxPixels, TurboJpeg.available());
    }

    /** With {@code turbo} false, JPEGs go through ImageIO even where TurboJPEG is installed (tests). */
    ImageDecoder(long maxPixels, boolean turbo) {
        this(maxPixels, turbo, WebP.available());
    }

    /** With {@code libwebp} false, WebPs go through TwelveMonkeys even where libwebp is installed (tests). */
    ImageDecoder(long maxPixels, boolean turbo, boolean libwebp) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
        this.turbo = turbo && TurboJpeg.available();
        this.libwebp = libwebp && WebP.available();
    }

    /** The largest width × height this decoder accepts. */
    public long maxPixels() {
        return maxPixels;
    }

    /**
     * Decodes one image file.
     *
     * @param bytes the whole file
     * @return the first frame, upright, alpha composited on white; never null
     * @throws ImageDecodeException if the bytes are empty, not an image ("not an image: looks like HTML"),
     *                              an unsupported or corrupt image, truncated, or larger than
     *                              {@link #maxPixels()}
     */
    public DecodedImage decode(byte[] bytes) throws ImageDecodeException {
        if (bytes == null || bytes.length == 0) {
            throw new ImageDecodeException("empty file");
        }
        String format = sniffFormat(bytes);
        if (format == null) {
            String kind = textKind(bytes);
            throw new ImageDecodeException(kind != null
                    ? "not an image: looks like " + kind
                    : "unsupported or corrupt image data");
        }
        BufferedImage decoded;
        try {
            decoded = read(bytes, format);
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageDecodeException(isTruncation(e) ? "truncated image" : "unsupported or corrupt image data",
                    e);
        } catch (OutOfMemoryError e) {
            throw new ImageDecodeException("image too large to decode in the memory available", e);
        } catch (RuntimeException | Error e) {
            // ImageIO plugins answer hostile input with IllegalArgumentException,
            // ArrayIndexOutOfBoundsException, NegativeArraySizeException and worse; none may reach the caller.
            throw new ImageDecodeException(isTruncation(e) ? "truncated image" : "unsupported or corrupt image data",
                    e);
        }
        try {
            BufferedImage rgb = toOpaqueRgb(decoded);
            if ("jpeg".equals(format)) {
                rgb = orient(rgb, jpegOrientation(bytes));
            }
            return new DecodedImage(rgb, format, rgb.getWidth(), rgb.getHeight());
        } catch (OutOfMemoryError e) {
            throw new ImageDecodeException("image too large to decode in the memory available", e);
        } catch (RuntimeException e) {
            throw new ImageDecodeException("unsupported or corrupt image data", e);
        }
    }

    /**
     * A JPEG thumbnail for the gallery: an antialiased bicubic downscale (Pillow's filter) so the longest
     * side is at most {@code maxSide}, encoded at quality 0.85. Smaller images keep their size.
     *
     * @param img any image; transparency is composited on white
     * @return the JPEG file's bytes
     * @throws IllegalArgumentException if {@code maxSide} is not positive
     * @throws NullPointerException     if {@code img} is null
     */
    public static byte[] thumbnailJpeg(BufferedImage img, int maxSide) {
        Objects.requireNonNull(img, "img");
        if (maxSide < 1) {
            throw new IllegalArgumentException("maxSide must be positive, got " + maxSide);
        }
        BufferedImage rgb = toOpaqueRgb(img);
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        int longest = Math.max(w, h);
        if (longest > maxSide) {
            double scale = (double) maxSide / longest;
            int tw = Math.min(maxSide, Math.max(1, (int) Math.round(w * scale)));
            int th = Math.min(maxSide, Math.max(1, (int) Math.round(h * scale)));
            rgb = ImagePreprocessor.resizeBicubic(rgb, tw, th);
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
             MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.85f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(rgb, null, null), param);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a JPEG in memory failed", e);
        } finally {
            writer.dispose();
        }
    }

    private BufferedImage read(byte[] bytes, String format) throws IOException, ImageDecodeException {
        if ("jpeg".equals(format) && turbo) {
            int[] size = TurboJpeg.size(bytes);
            if (size != null) {
                checkSize(size[0], size[1]);
                BufferedImage fast = TurboJpeg.decode(bytes, size[0], size[1]);
                if (fast != null) {
                    return fast;
                }
            }
            // CMYK, warnings, damage: ImageIO decodes it or says precisely what is wrong
        }
        if ("webp".equals(format) && libwebp) {
            WebP.Features features = WebP.features(bytes);
            if (features != null) {
                checkSize(features.width(), features.height());
                BufferedImage exact = WebP.decode(bytes, features);
                if (exact != null) {
                    return exact;
                }
            }
            // damage, truncation: TwelveMonkeys decodes it or says precisely what is wrong
        }
        int[] canvas = "webp".equals(format) ? WebP.animationCanvas(bytes) : null;
        if (canvas != null) {
            checkSize(canvas[0], canvas[1]);
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = readerFor(in, format);
            if (reader == null) {
                throw new ImageDecodeException("unsupported or corrupt image data");
            }
            try {
                // Metadata is ignored: it is not needed (EXIF is parsed from the bytes) and some readers
                // would otherwise parse unbounded text chunks.
                reader.setInput(in, false, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width <= 0 || height <= 0) {
                    throw new ImageDecodeException("unsupported or corrupt image data");
                }
                checkSize(width, height);
                boolean[] prematureEnd = {false};
                reader.addIIOReadWarningListener((source, warning) -> {
                    if (warning != null && looksLikeTruncation(warning)) {
                        prematureEnd[0] = true;
                    }
                });
                BufferedImage image = reader.read(0, reader.getDefaultReadParam());
                if (prematureEnd[0]) {
                    // The JPEG reader fills the missing part with grey and only warns; such an image would
                    // be embedded as a different product, so refuse it.
                    throw new ImageDecodeException("truncated image");
                }
                if (image == null) {
                    throw new ImageDecodeException("unsupported or corrupt image data");
                }
                return canvas != null ? WebP.onCanvas(bytes, image) : image;
            } finally {
                reader.dispose();
            }
        }
    }

    private void checkSize(int width, int height) throws ImageDecodeException {
        if ((long) width * height > maxPixels) {
            throw new ImageDecodeException("image too large: " + width + "\u00d7" + height
                    + " pixels (limit " + maxPixels + ")");
        }
    }

    /** The first reader that accepts the stream, preferring one for the sniffed format; null if none. */
    private static ImageReader readerFor(ImageInputStream in, String format) throws IOException {
        ImageReader fallback = null;
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            String[] names = reader.getOriginatingProvider() == null
                    ? new String[0] : reader.getOriginatingProvider().getFormatNames();
            for (String name : names) {
                if (name.equalsIgnoreCase(format)) {
                    if (fallback != null) {
                        fallback.dispose();
                    }
                    return reader;
                }
            }
            if (fallback == null) {
                fallback = reader;
            } else {
                reader.dispose();
            }
        }
        return fallback;
    }

    /** The format a file's magic number names, or null when it is none this decoder reads. */
    static String sniffFormat(byte[] b) {
        if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
            return "jpeg";
        }
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "png";
        }
        if (startsWith(b, 0, 'G', 'I', 'F', '8')) {
            return "gif";
        }
        if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
            return "webp";
        }
        if (startsWith(b, 0, 'B', 'M')) {
            return "bmp";
        }
        if (startsWith(b, 0, 'I', 'I', 42, 0) || startsWith(b, 0, 'M', 'M', 0, 42)) {
            return "tiff";
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int at, int... expected) {
        if (b.length < at + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((b[at + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    /** "HTML", "SVG", "JSON" or "text" when the start of the file reads like one; null otherwise. */
    static String textKind(byte[] b) {
        int start = startsWith(b, 0, 0xEF, 0xBB, 0xBF) ? 3 : 0;
        int end = Math.min(b.length, start + 1024);
        for (int i = start; i < end; i++) {
            int c = b[i] & 0xFF;
            // Control characters other than whitespace mean binary data.
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
                return null;
            }
        }
        String head = new String(b, start, end - start, StandardCharsets.ISO_8859_1).strip().toLowerCase(Locale.ROOT);
        if (head.isEmpty()) {
            return "text";
        }
        if (head.contains("<!doctype html") || head.contains("<html") || head.contains("<head")
                || head.contains("<body")) {
            return "HTML";
        }
        if (head.contains("<svg")) {
            return "SVG";
        }
        if (head.startsWith("<")) {
            return "XML";
        }
        if (head.startsWith("{") || head.startsWith("[")) {
            return "JSON";
        }
        return "text";
    }

    private static boolean isTruncation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException || (t.getMessage() != null && looksLikeTruncation(t.getMessage()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean looksLikeTruncation(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("premature end") || m.contains("unexpected end") || m.contains("end of file")
                || m.contains("truncated");
    }

    /**
     * The image as {@link BufferedImage#TYPE_INT_RGB}, alpha composited on white. Component images (what
     * the JPEG and PNG readers return) are read sample by sample so grey stays grey and 16-bit samples
     * keep their high byte, as in Pillow; Java's colour conversion would gamma-correct linear grey.
     */
    static BufferedImage toOpaqueRgb(BufferedImage src) {
        if (src.getType() == BufferedImage.TYPE_INT_RGB) {
            return src;
        }
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        ColorModel cm = src.getColorModel();
        Raster raster = src.getRaster();
        if (src.getType() == BufferedImage.TYPE_3BYTE_BGR
                && cm.getColorSpace().isCS_sRGB()
                && raster.getDataBuffer() instanceof DataBufferByte buffer
                && raster.getSampleModel() instanceof PixelInterleavedSampleModel sm
                && buffer.getNumBanks() == 1) {
            // What every colour JPEG decodes to: read the bytes directly, four times faster than getPixels.
            byte[] data = buffer.getData();
            int stride = sm.getScanlineStride();
            int[] bandOffsets = sm.getBandOffsets(); // R, G, B positions within a pixel
            int step = sm.getPixelStride();
            int base = buffer.getOffset() - raster.getSampleModelTranslateY() * stride
                    - raster.getSampleModelTranslateX() * step;
            for (int y = 0; y < h; y++) {
                int at = base + y * stride;
                for (int x = 0; x < w; x++, at += step) {
                    dst[y * w + x] = ((data[at + bandOffsets[0]] & 0xFF) << 16)
                            | ((data[at + bandOffsets[1]] & 0xFF) << 8) | (data[at + bandOffsets[2]] & 0xFF);
                }
            }
            return out;
        }
        int colourType = cm.getColorSpace().getType();
        boolean plainComponents = cm instanceof ComponentColorModel
                && !cm.isAlphaPremultiplied()
                && cm.getNumComponents() == raster.getNumBands()
                && ((colourType == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1)
                    || (cm.getColorSpace().isCS_sRGB() && cm.getNumColorComponents() == 3));
        if (plainComponents) {
            int bands = raster.getNumBands();
            boolean alpha = cm.hasAlpha();
            int[] bits = cm.getComponentSize();
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int x = 0, i = 0; x < w; x++, i += bands) {
                    int r = to8(row[i], bits[0]);
                    int g = bands >= 3 ? to8(row[i + 1], bits[1]) : r;
                    int b = bands >= 3 ? to8(row[i + 2], bits[2]) : r;
                    int a = alpha ? to8(row[i + bands - 1], bits[bands - 1]) : 255;
                    dst[y * w + x] = onWhite(r, g, b, a);
                }
            }
            return out;
        }
        // Palette, packed and converted colour spaces (CMYK): let the colour model produce sRGB.
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            src.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                dst[y * w + x] = cm.hasAlpha()
                        ? onWhite((p >>> 16) & 0xFF, (p >>> 8) & 0xFF, p & 0xFF, p >>> 24)
                        : p & 0xFFFFFF;
            }
        }
        return out;
    }

    /** A sample of {@code bits} bits as 8 bits: high byte if deeper, scaled to 0..255 if shallower. */
    private static int to8(int v, int bits) {
        if (bits == 8) {
            return v & 0xFF;
        }
        if (bits > 8) {
            return (v >>> (bits - 8)) & 0xFF;
        }
        return v * 255 / ((1 << bits) - 1);
    }

    private static int onWhite(int r, int g, int b, int a) {
        if (a == 255) {
            return (r << 16) | (g << 8) | b;
        }
        int white = 255 * (255 - a);
        return (((r * a + white + 127) / 255) << 16) | (((g * a + white + 127) / 255) << 8)
                | ((b * a + white + 127) / 255);
    }

    /**
     * The image turned upright according to an EXIF orientation (1–8), as Pillow's
     * {@code ImageOps.exif_transpose}: 2 mirror, 3 rotate 180°, 4 flip, 5 transpose, 6 rotate 90°
     * clockwise, 7 transverse, 8 rotate 90° counter-clockwise. Orientation 1 or unknown returns the input.
     */
    static BufferedImage orient(BufferedImage rgb, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return rgb;
        }
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        int[] src = ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
        BufferedImage out = new BufferedImage(ow, oh, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; }
                }
                dst[y * ow + x] = src[sy * w + sx];
            }
        }
        return out;
    }

    /**
     * The orientation tag of a JPEG's first EXIF segment (APP1 "Exif"), or 1 when there is none or it
     * cannot be read. Parsed by hand: a dozen bounds-checked reads, versus a metadata library's parser
     * exposed to hostile input.
     */
    static int jpegOrientation(byte[] b) {
        int pos = 2;
        while (pos + 4 <= b.length) {
            if ((b[pos] & 0xFF) != 0xFF) {
                return 1;
            }
            int marker = b[pos + 1] & 0xFF;
            if (marker == 0xFF) {
                pos++; // fill byte
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
                pos += 2; // markers without a length
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return 1; // image data starts: no EXIF before it
            }
            int length = u16(b, pos + 2, true);
            if (length < 2) {
                return 1;
            }
            int end = Math.min(b.length, pos + 2 + length);
            if (marker == 0xE1 && startsWith(b, pos + 4, 'E', 'x', 'i', 'f', 0, 0)) {
                return tiffOrientation(b, pos + 10, end);
            }
            pos += 2 + length;
        }
        return 1;
    }

    private static int tiffOrientation(byte[] b, int tiff, int end) {
        boolean bigEndian;
        if (startsWith(b, tiff, 'M', 'M', 0, 42)) {
            bigEndian = true;
        } else if (startsWith(b, tiff, 'I', 'I', 42, 0)) {
            bigEndian = false;
        } else {
            return 1;
        }
        if (tiff + 8 > end) {
            return 1;
        }
        long ifd = tiff + u32(b, tiff + 4, bigEndian);
        if (ifd + 2 > end) {
            return 1;
        }
        int entries = u16(b, (int) ifd, bigEndian);
        for (int i = 0; i < entries; i++) {
            long entry = ifd + 2 + 12L * i;
            if (entry + 12 > end) {
                return 1;
            }
            int e = (int) entry;
            if (u16(b, e, bigEndian) == JPEG_ORIENTATION_TAG) {
                int type = u16(b, e + 2, bigEndian);
                // SHORT is the type the standard prescribes; LONG seen from some writers.
                int value = type == 3 ? u16(b, e + 8, bigEndian) : type == 4 ? (int) u32(b, e + 8, bigEndian) : 1;
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    private static int u16(byte[] b, int at, boolean bigEndian) {
        int b0 = b[at] & 0xFF;
        int b1 = b[at + 1] & 0xFF;
        return bigEndian ? (b0 << 8) | b1 : (b1 << 8) | b0;
    }

    private static long u32(byte[] b, int at, boolean bigEndian) {
        long hi = u16(b, bigEndian ? at : at + 2, bigEndian);
        long lo = u16(b, bigEndian ? at + 2 : at, bigEndian);
        return (hi << 16) | lo;
    }
}
