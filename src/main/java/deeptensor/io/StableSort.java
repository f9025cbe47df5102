package deeptensor.io;

/**
 * A stable sort of positions by {@code long} key, on primitive arrays (no boxing, so millions of
 * entries sort in little memory): entries with equal keys keep their original order.
 */
final class StableSort {

    private StableSort() {
    }

    /** The positions {@code 0..keys.length-1} ordered by key, ties in increasing position. */
    static int[] byKey(long[] keys) {
        int n = keys.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        boolean sorted = true;
        for (int i = 1; i < n && sorted; i++) {
            sorted = keys[i - 1] <= keys[i];
        }
        if (sorted) {
            return order; // files are often already in row-major order
        }
        int[] scratch = new int[n];
        // Bottom-up merge sort: stable, n log n, no recursion; long bounds so that n near 2^31 cannot overflow.
        for (long width = 1; width < n; width *= 2) {
            for (long low = 0; low < n; low += 2 * width) {
                int middle = (int) Math.min(low + width, n);
                int high = (int) Math.min(low + 2 * width, n);
                int left = (int) low;
                int right = middle;
                for (int out = (int) low; out < high; out++) {
                    if (left < middle && (right >= high || keys[order[left]] <= keys[order[right]])) {
                        scratch[out] = order[left++];
                    } else {
                        scratch[out] = order[right++];
                    }
                }
            }
            int[] swap = order;
            order = scratch;
            scratch = swap;
        }
        return order;
    }
}
