package dev.lookalike.search;

/**
 * The k best entries of a score array without boxing: a min-heap of indices, ties broken towards the
 * smaller index so results are stable. Entries scored negative infinity are never taken.
 */
final class TopK {

    private TopK() {}

    /** Indices of the {@code k} highest scores, best first. */
    static int[] select(float[] scores, int k) {
        int[] heap = new int[Math.max(k, 0)];
        int size = 0;
        for (int i = 0; i < scores.length && k > 0; i++) {
            float s = scores[i];
            if (s == Float.NEGATIVE_INFINITY) {
                continue;
            }
            if (size < k) {
                heap[size] = i;
                siftUp(heap, size++, scores);
            } else if (better(i, heap[0], scores)) {
                heap[0] = i;
                siftDown(heap, size, scores);
            }
        }
        int[] out = new int[size];
        for (int n = size; n > 0; n--) {
            out[n - 1] = heap[0];
            heap[0] = heap[n - 1];
            siftDown(heap, n - 1, scores);
        }
        return out;
    }

    /** True when entry a ranks above entry b. */
    private static boolean better(int a, int b, float[] s) {
        return s[a] > s[b] || (s[a] == s[b] && a < b);
    }

    private static void siftUp(int[] heap, int at, float[] s) {
        int x = heap[at];
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (!better(heap[parent], x, s)) {
                break;
            }
            heap[at] = heap[parent];
            at = parent;
        }
        heap[at] = x;
    }

    private static void siftDown(int[] heap, int size, float[] s) {
        if (size == 0) {
            return;
        }
        int at = 0;
        int x = heap[0];
        while (true) {
            int child = 2 * at + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && better(heap[child], heap[child + 1], s)) {
                child++;
            }
            if (!better(x, heap[child], s)) {
                break;
            }
            heap[at] = heap[child];
            at = child;
        }
        heap[at] = x;
    }
}
