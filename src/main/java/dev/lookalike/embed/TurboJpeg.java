package dev.lookalike.embed;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * JPEG decoding through libjpeg-turbo's TurboJPEG library (Debian: {@code libturbojpeg0}) when the
 * system has it: the JDK's decoder is plain libjpeg 6b and takes most of an embed run's CPU on
 * photo-sized JPEGs. The result is the same as the JDK's (same accurate integer IDCT and fancy
 * upsampling, as Pillow uses); any image TurboJPEG does not decode cleanly (CMYK, warnings,
 * truncation) is left to ImageIO, which gives the precise error.
 */
final class TurboJpeg {

    private static final int TJCS_CMYK = 3;
    private static final int TJCS_YCCK = 4;
    /** Pixels as 0x00RRGGBB ints on a little-endian machine. */
    private static final int TJPF_BGRX = 3;
    private static final int TJFLAG_ACCURATEDCT = 4096;
    private static final int TJFLAG_STOPONWARNING = 8192;
    /** Refuse progressive JPEGs with more than 500 scans: a cheap way to burn CPU otherwise. */
    private static final int TJFLAG_LIMITSCANS = 32768;

    /** The C API subset used (TurboJPEG 2.x, libturbojpeg.so.0). */
    interface Api extends Library {
        Pointer tjInitDecompress();

        int tjDecompressHeader3(Pointer handle, byte[] jpeg, NativeLong size, int[] width, int[] height,
                                int[] subsampling, int[] colorspace);

        int tjDecompress2(Pointer handle, byte[] jpeg, NativeLong size, int[] dst, int width, int pitch,
                          int height, int pixelFormat, int flags);

        int tjDestroy(Pointer handle);
    }

    private static final Api API = load();

    private static Api load() {
        // A native executable carries no JNA configuration: there ImageIO decodes every JPEG.
        if (Boolean.getBoolean("lookalike.no-turbojpeg") || System.getProperty("org.graalvm.nativeimage.imagecode") != null
                || !"little".equals(System.getProperty("sun.cpu.endian"))) {
            return null;
        }
        try {
            return Native.load("turbojpeg", Api.class);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return null; // not installed: ImageIO decodes every JPEG
        }
    }

    private TurboJpeg() {}

    static boolean available() {
        return API != null;
    }

    /** Width and height from the header, or null when TurboJPEG cannot read it. */
    static int[] size(byte[] jpeg) {
        Pointer h = API.tjInitDecompress();
        if (h == null) {
            return null;
        }
        try {
            int[] w = new int[1];
            int[] ht = new int[1];
            int[] sub = new int[1];
            int[] cs = new int[1];
            if (API.tjDecompressHeader3(h, jpeg, new NativeLong(jpeg.length), w, ht, sub, cs) != 0) {
                return null;
            }
            if (cs[0] == TJCS_CMYK || cs[0] == TJCS_YCCK) {
                return null;
            }
            return new int[] {w[0], ht[0]};
        } finally {
            API.tjDestroy(h);
        }
    }

    /**
     * Decodes to {@link BufferedImage#TYPE_INT_RGB}, or returns null when TurboJPEG reports any problem;
     * the caller must have checked {@link #size} against its pixel limit first.
     */
    static BufferedImage decode(byte[] jpeg, int width, int height) {
        Pointer h = API.tjInitDecompress();
        if (h == null) {
            return null;
        }
        try {
            BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            int[] pixels = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
            int rc = API.tjDecompress2(h, jpeg, new NativeLong(jpeg.length), pixels, width, width * 4, height,
                    TJPF_BGRX, TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS);
            if (rc != 0) {
                return null;
            }
            // TurboJPEG leaves the X byte unspecified; TYPE_INT_RGB ignores it, but keep the ints clean.
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] &= 0xFFFFFF;
            }
            return img;
        } finally {
            API.tjDestroy(h);
        }
    }
}
