package dev.lookalike.embed;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Arrays;

/**
 * WebP decoding through libwebp (Debian: {@code libwebp7}) when the system has it, giving exactly the
 * pixels Pillow gives. TwelveMonkeys' pure-Java VP8 decoder lands a lossy WebP grey levels away from what
 * Pillow feeds CLIP (2.8 per sample on average on the test fixture lossy.webp).
 *
 * <p>What Pillow does (9.4 to 12.x, {@code src/_webp.c} {@code _anim_decoder_new} and
 * {@code WebPImagePlugin.py}): every WebP, still or animated, goes through libwebpdemux's
 * {@code WebPAnimDecoderNew(data, NULL)}, i.e. default options: {@code MODE_RGBA}, not premultiplied,
 * libwebp's default decoding (fancy upsampling). The mode is "RGBA" when {@code WebPGetFeatures} reports
 * alpha, else "RGBX" (read as RGB). Frame 1 is always a key frame in libwebp's {@code anim_decode.c}: the
 * canvas is zero-filled (transparent black) and the frame is decoded by {@code WebPDecode} into its
 * rectangle, unblended. EXIF orientation is not applied by {@code Image.open}, so it is not applied here.
 *
 * <p>Here the same result comes from libwebp alone: a still image through {@code WebPDecodeBGRAInto}
 * (the same default configuration, the bytes in another order); an animation's first {@code ANMF} frame
 * data (its ALPH and VP8/VP8L chunks, which {@code WebPDecode} accepts bare) decoded likewise and placed
 * on a transparent canvas. The caller composites alpha on white as for every format. Anything libwebp
 * refuses is left to TwelveMonkeys, which gives the precise error.
 */
final class WebP {

    /** {@code WEBP_DECODER_ABI_VERSION} of libwebp 1.2 (decode.h); libwebp accepts any of the same major. */
    private static final int DECODER_ABI_VERSION = 0x0209;
    private static final int VP8_STATUS_OK = 0;

    /** The C API subset used (libwebp.so.7). */
    interface Api extends Library {
        /** {@code WebPGetFeatures} is an inline wrapper of this; the struct is ten ints. */
        int WebPGetFeaturesInternal(byte[] data, NativeLong size, int[] features, int abiVersion);

        Pointer WebPDecodeBGRAInto(byte[] data, NativeLong size, int[] output, NativeLong outputSize, int stride);
    }

    private static final Api API = load();

    private static Api load() {
        // A native executable carries no JNA configuration: there TwelveMonkeys decodes every WebP.
        if (Boolean.getBoolean("lookalike.no-libwebp") || System.getProperty("org.graalvm.nativeimage.imagecode") != null
                || !"little".equals(System.getProperty("sun.cpu.endian"))) {
            return null;
        }
        try {
            return Native.load("libwebp.so.7", Api.class);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return null; // not installed: TwelveMonkeys decodes every WebP
        }
    }

    private WebP() {}

    static boolean available() {
        return API != null;
    }

    /** What {@code WebPGetFeatures} reports. */
    record Features(int width, int height, boolean hasAlpha, boolean animated) {}

    /** The bitstream's features (the canvas of an animation), or null when libwebp cannot read the header. */
    static Features features(byte[] webp) {
        return features(webp, 0, webp.length);
    }

    private static Features features(byte[] data, int from, int to) {
        byte[] slice = from == 0 && to == data.length ? data : Arrays.copyOfRange(data, from, to);
        int[] f = new int[10];
        if (API.WebPGetFeaturesInternal(slice, new NativeLong(slice.length), f, DECODER_ABI_VERSION) != VP8_STATUS_OK
                || f[0] <= 0 || f[1] <= 0) {
            return null;
        }
        return new Features(f[0], f[1], f[2] != 0, f[3] != 0);
    }

    /**
     * Decodes the first frame to non-premultiplied {@link BufferedImage#TYPE_INT_ARGB} of
     * {@code features}' size, or returns null when libwebp reports any problem (or an animation's first
     * frame does not fit its canvas); the caller must have checked {@code features} against its pixel limit.
     */
    static BufferedImage decode(byte[] webp, Features features) {
        int w = features.width();
        int h = features.height();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        int[] canvas = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        if (!features.animated()) {
            return decodeInto(webp, canvas, w, h) ? img : null;
        }
        int[] frame = firstFrame(webp);
        if (frame == null) {
            return null;
        }
        int x = frame[0];
        int y = frame[1];
        int fw = frame[2];
        int fh = frame[3];
        Features inner = features(webp, frame[4], frame[5]);
        if (inner == null || inner.width() != fw || inner.height() != fh || x + fw > w || y + fh > h) {
            return null;
        }
        int[] pixels = new int[fw * fh];
        if (!decodeInto(Arrays.copyOfRange(webp, frame[4], frame[5]), pixels, fw, fh)) {
            return null;
        }
        for (int row = 0; row < fh; row++) {
            System.arraycopy(pixels, row * fw, canvas, (y + row) * w + x, fw);
        }
        return img;
    }

    /**
     * The canvas {width, height} of an animated WebP (its VP8X chunk has the animation flag), or null for a
     * still image or a malformed header. Plain Java, so the TwelveMonkeys path can check it too.
     */
    static int[] animationCanvas(byte[] b) {
        boolean vp8x = b.length >= 30 && b[12] == 'V' && b[13] == 'P' && b[14] == '8' && b[15] == 'X';
        if (!vp8x || (b[20] & 0x02) == 0) {
            return null;
        }
        return new int[] {1 + u24(b, 24), 1 + u24(b, 27)};
    }

    /**
     * TwelveMonkeys reads an animation's first frame at its own size; Pillow shows it at its offset on a
     * transparent canvas. Returns {@code frame} so placed (TYPE_INT_ARGB), or {@code frame} itself for a
     * still image or when the frame does not fit.
     */
    static BufferedImage onCanvas(byte[] webp, BufferedImage frame) {
        int[] canvas = animationCanvas(webp);
        int[] first = canvas == null ? null : firstFrame(webp);
        if (first == null || frame.getWidth() != first[2] || frame.getHeight() != first[3]
                || first[0] + first[2] > canvas[0] || first[1] + first[3] > canvas[1]) {
            return frame;
        }
        BufferedImage out = new BufferedImage(canvas[0], canvas[1], BufferedImage.TYPE_INT_ARGB);
        int[] row = new int[first[2]];
        for (int y = 0; y < first[3]; y++) {
            frame.getRGB(0, y, first[2], 1, row, 0, first[2]);
            out.setRGB(first[0], first[1] + y, first[2], 1, row, 0, first[2]);
        }
        return out;
    }

    /** BGRA bytes on a little-endian machine are 0xAARRGGBB ints. */
    private static boolean decodeInto(byte[] data, int[] out, int w, int h) {
        return API.WebPDecodeBGRAInto(data, new NativeLong(data.length), out, new NativeLong(4L * w * h), 4 * w) != null;
    }

    /**
     * The first ANMF chunk of an animated WebP: {x, y, width, height, start, end} of its frame data (the
     * bytes after the 16-byte frame header), or null when there is none or the chunks are malformed.
     */
    static int[] firstFrame(byte[] b) {
        int riffEnd = (int) Math.min(b.length, 8 + u32(b, 4));
        int at = 12;
        while (at + 8 <= riffEnd) {
            long size = u32(b, at + 4);
            long payloadEnd = at + 8 + size;
            if (payloadEnd > riffEnd) {
                return null;
            }
            if (b[at] == 'A' && b[at + 1] == 'N' && b[at + 2] == 'M' && b[at + 3] == 'F') {
                if (size < 16) {
                    return null;
                }
                int p = at + 8;
                return new int[] {2 * u24(b, p), 2 * u24(b, p + 3), 1 + u24(b, p + 6), 1 + u24(b, p + 9),
                        p + 16, (int) payloadEnd};
            }
            at = (int) (payloadEnd + (size & 1));
        }
        return null;
    }

    private static int u24(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16;
    }

    private static long u32(byte[] b, int at) {
        return u24(b, at) | (long) (b[at + 3] & 0xFF) << 24;
    }
}
