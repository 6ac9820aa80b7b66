package dev.lookalike.search;

import java.util.HexFormat;

/**
 * An index's photo ids in row order, compactly: a catalogue's ids are SHA-256 in 64 lowercase hex digits
 * ({@code ImageInfo.idOf}), kept here as their 32 bytes (a million take 32 MB instead of the 104 MB of as many
 * strings); any other id keeps its string.
 */
final class PhotoIds {

    private static final int BYTES = 32;
    private static final HexFormat HEX = HexFormat.of();

    private final int size;
    /** 32 bytes per row where {@link #plain} is null there. */
    private final byte[] packed;
    /** The ids that are not SHA-256 hex, by row; null when every id is. */
    private final String[] plain;

    private PhotoIds(int size, byte[] packed, String[] plain) {
        this.size = size;
        this.packed = packed;
        this.plain = plain;
    }

    static PhotoIds of(String[] ids) {
        byte[] packed = new byte[Math.multiplyExact(ids.length, BYTES)];
        String[] plain = null;
        for (int r = 0; r < ids.length; r++) {
            if (isSha256Hex(ids[r])) {
                byte[] b = HEX.parseHex(ids[r]);
                System.arraycopy(b, 0, packed, r * BYTES, BYTES);
            } else {
                if (plain == null) {
                    plain = new String[ids.length];
                }
                plain[r] = ids[r];
            }
        }
        return new PhotoIds(ids.length, packed, plain);
    }

    private static boolean isSha256Hex(String id) {
        if (id.length() != 2 * BYTES) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    int size() {
        return size;
    }

    String get(int row) {
        if (plain != null && plain[row] != null) {
            return plain[row];
        }
        return HEX.formatHex(packed, row * BYTES, (row + 1) * BYTES);
    }
}
