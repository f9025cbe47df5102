package deeptensor.internal.model;

import deeptensor.model.CP;
import deeptensor.model.FactorForm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import deeptensor.tensor.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The link view of a factor ({@link Factor#chains()}, {@link Factor#linkRows}, {@link Factor#get},
 * {@link Factor#set}, …) in every form against the layout the Javadoc of {@link FactorForm} and
 * {@link Factor} documents, the link helpers against plain loops, the declared forms and the
 * argument checks with their messages.
 */
class FactorLinksTest {

    private static final int ROWS = 4, COLS = 3, WIDTH = 2;

    /** A CP model of shape 4×5 and rank 3, so factor 0 is 4×3; forms with width 2 where they have one. */
    private static CpModel model(FactorForm form) {
        CpModel model = Models.build(CP.shallow().rank(COLS).factorForm(form), Shape.of(ROWS, 5));
        Fixtures.randomize(model, new SplittableRandom(form.toString().hashCode()), 1.0);
        model.forwardFactors();
        return model;
    }

    private static List<FactorForm> forms() {
        return List.of(FactorForm.direct(), FactorForm.sharedChain(3).withWidth(WIDTH), FactorForm.columnChains(3).withWidth(WIDTH),
                FactorForm.sharedChain(2).withWidth(WIDTH), FactorForm.columnChains(2).withWidth(WIDTH));
    }

    @Test
    void linkShapesChainsAndColumnsAreTheDocumentedOnes() {
        for (FactorForm form : forms()) {
            try (CpModel model = model(form)) {
                Factor f = model.factors().get(0);
                int depth = form.depth();
                assertEquals(depth, f.depth(), form + ": depth");
                assertEquals(form, f.form(), "the factor reports the form it was declared with");
                assertEquals(ROWS, f.rows());
                assertEquals(COLS, f.cols());
                assertEquals("F1", f.name());
                assertEquals("factor F1 4×3 (" + form + ")", f.toString());
                for (int l = 0; l < depth; l++) {
                    boolean last = l == depth - 1;
                    int rows, cols;
                    if (form.equals(FactorForm.direct())) {
                        // a direct factor: its columns, each an ROWS × 1 link
                        rows = ROWS;
                        cols = 1;
                    } else if (!form.perColumn()) {
                        // M_0 is h × cols, middle links h × h, the last rows × h
                        rows = last ? ROWS : WIDTH;
                        cols = l == 0 ? COLS : WIDTH;
                    } else {
                        // a_j ∈ ℝ^h (h × 1), middle h × h, the last rows × h
                        rows = last ? ROWS : WIDTH;
                        cols = l == 0 ? 1 : WIDTH;
                    }
                    assertEquals(rows, f.linkRows(l), form + ": rows of link " + l);
                    assertEquals(cols, f.linkCols(l), form + ": columns of link " + l);
                }
                int chains = isSharedChain(form) ? 1 : COLS;
                assertEquals(chains, f.chains(), form + ": chains");
                for (int c = 0; c < chains; c++) {
                    int[] expected = isSharedChain(form) ? new int[] {0, COLS} : new int[] {c, 1};
                    assertArrayEquals(expected, f.chainColumns(c), form + ": columns of chain " + c);
                }
            }
        }
    }

    /**
     * Every number of the factor's parameter blocks is reached by exactly one (chain, link, i, j),
     * {@code set} writes what {@code get} reads, and the counts add up to the parameter count.
     */
    @Test
    void getAndSetReachEveryParameterOnce() {
        for (FactorForm form : forms()) {
            try (CpModel model = model(form)) {
                Factor f = model.factors().get(0);
                double[] values = model.parameters().values().toArray();
                int reached = 0;
                for (int c = 0; c < f.chains(); c++) {
                    for (int l = 0; l < f.depth(); l++) {
                        for (int i = 0; i < f.linkRows(l); i++) {
                            for (int j = 0; j < f.linkCols(l); j++) {
                                double marker = 1000 + reached;
                                f.set(c, l, i, j, marker);
                                assertEquals(marker, f.get(c, l, i, j), form + ": set then get");
                                reached++;
                            }
                        }
                    }
                }
                double[] after = model.parameters().values().toArray();
                long factorSize = model.parameters().blocks().stream().filter(b -> b.name().startsWith("F1"))
                        .mapToLong(Parameters.Block::size).sum();
                assertEquals(factorSize, reached, form + ": links cover the factor's blocks");
                int changed = 0;
                boolean[] seen = new boolean[reached];
                for (int p = 0; p < after.length; p++) {
                    if (after[p] != values[p]) {
                        changed++;
                        int marker = (int) after[p] - 1000;
                        assertEquals(false, seen[marker], form + ": two links share parameter " + p);
                        seen[marker] = true;
                    }
                }
                assertEquals(reached, changed, form + ": each set changed its own parameter");
            }
        }
    }

    @Test
    void linkNormAndScaleLinkActOnOneLinkOnly() {
        for (FactorForm form : forms()) {
            try (CpModel model = model(form)) {
                Factor f = model.factors().get(0);
                int chain = f.chains() - 1, link = f.depth() - 1;
                double[][] m = Oracle.link(f, chain, link);
                double sum = 0;
                for (double[] row : m) {
                    for (double v : row) {
                        sum += v * v;
                    }
                }
                assertEquals(Math.sqrt(sum), f.linkNorm(chain, link), 1e-14 * Math.sqrt(sum), form + ": link norm");
                double[] before = model.parameters().values().toArray();
                f.scaleLink(chain, link, -2.5);
                for (int i = 0; i < m.length; i++) {
                    for (int j = 0; j < m[i].length; j++) {
                        assertEquals(-2.5 * m[i][j], f.get(chain, link, i, j), form + ": scaled entry");
                    }
                }
                // everything else is untouched: the number of changed parameters is the link's size
                double[] after = model.parameters().values().toArray();
                int changed = 0;
                for (int p = 0; p < after.length; p++) {
                    changed += after[p] != before[p] ? 1 : 0;
                }
                assertEquals(f.linkRows(link) * f.linkCols(link), changed, form + ": scaleLink touched other links");
            }
        }
    }

    @Test
    void linksOutsideTheFactorAreRefusedWithTheirPosition() {
        for (FactorForm form : forms()) {
            try (CpModel model = model(form)) {
                Factor f = model.factors().get(0);
                int chains = f.chains(), depth = f.depth();
                int[][] outside = {{-1, 0}, {chains, 0}, {0, -1}, {0, depth}};
                for (int[] at : outside) {
                    String message = "factor F1 has " + chains + " chains of " + depth + " links; chain " + at[0] + ", link " + at[1]
                            + " does not exist";
                    assertMessage(IndexOutOfBoundsException.class, message, () -> f.get(at[0], at[1], 0, 0));
                    assertMessage(IndexOutOfBoundsException.class, message, () -> f.set(at[0], at[1], 0, 0, 1.0));
                    assertMessage(IndexOutOfBoundsException.class, message, () -> f.linkNorm(at[0], at[1]));
                }
                // the last chain and link exist
                f.set(chains - 1, depth - 1, 0, 0, 3.0);
                assertEquals(3.0, f.get(chains - 1, depth - 1, 0, 0));
            }
        }
    }

    @Test
    void vectorLinksHaveOneColumn() {
        try (CpModel direct = model(FactorForm.direct()); CpModel columns = model(FactorForm.columnChains(2).withWidth(WIDTH))) {
            Factor d = direct.factors().get(0);
            assertMessage(IndexOutOfBoundsException.class, "a column link has one column; column 1 was asked", () -> d.set(0, 0, 0, 1, 1.0));
            // get refuses it too (it used to read column chain + 1 of the matrix: another chain's entry)
            assertMessage(IndexOutOfBoundsException.class, "a column link has one column; column 1 was asked", () -> d.get(0, 0, 0, 1));
            assertMessage(IndexOutOfBoundsException.class, "a column link has one column; column -1 was asked", () -> d.get(1, 0, 0, -1));
            Factor c = columns.factors().get(0);
            assertMessage(IndexOutOfBoundsException.class, "the base link is a vector; column 1 was asked", () -> c.get(0, 0, 0, 1));
            assertMessage(IndexOutOfBoundsException.class, "the base link is a vector; column 1 was asked", () -> c.set(0, 0, 0, 1, 1.0));
            // A direct factor's chain c is column c of the matrix.
            d.set(2, 0, 3, 0, 9.0);
            assertEquals(9.0, d.matrix().get(3, 2));
            assertEquals(9.0, d.get(2, 0, 3, 0));
        }
    }

    @Test
    void factorsAndChainsNeedAtLeastOneRowColumnAndWidth() {
        Parameters.Builder builder = Parameters.builder();
        assertMessage(IllegalArgumentException.class, "factor X must be at least 1×1, got 0×3", () -> new DirectFactor("X", 0, 3, builder));
        assertMessage(IllegalArgumentException.class, "factor X must be at least 1×1, got 3×0", () -> new DirectFactor("X", 3, 0, builder));
        assertMessage(IllegalArgumentException.class, "factor Y: chain width must be at least 1, got 0",
                () -> new SharedChainFactor("Y", 2, 2, 2, 0, builder));
        assertMessage(IllegalArgumentException.class, "factor Z: chain width must be at least 1, got 0",
                () -> new ColumnChainFactor("Z", 2, 2, 2, 0, builder));
        // width 1 and a 1×1 factor are fine
        new DirectFactor("A", 1, 1, builder);
        new SharedChainFactor("B", 1, 1, 2, 1, builder);
        new ColumnChainFactor("C", 1, 1, 2, 1, builder);
    }

    /** A factor that was declared but never bound (a model whose construction failed) can be closed. */
    @Test
    void unboundFactorsCloseQuietly() {
        Parameters.Builder builder = Parameters.builder();
        new DirectFactor("A", 2, 2, builder).close();
        new SharedChainFactor("B", 2, 2, 3, 2, builder).close();
        new ColumnChainFactor("C", 2, 2, 3, 2, builder).close();
    }

    @Test
    void formsCheckTheirArgumentsAndDeclareTheRightFactor() {
        assertMessage(IllegalArgumentException.class, "a factor chain needs depth at least 1, got 0", () -> FactorForm.sharedChain(0).withWidth(0));
        assertMessage(IllegalArgumentException.class, "a factor chain needs depth at least 1, got 0", () -> FactorForm.columnChains(0));
        assertMessage(IllegalArgumentException.class, "a factor chain's width must be positive (or 0 for the default), got -1",
                () -> FactorForm.columnChains(2).withWidth(-1));
        assertMessage(IllegalArgumentException.class, "a factor chain's width must be positive (or 0 for the default), got -1",
                () -> FactorForm.sharedChain(2).withWidth(-1));
        assertEquals(FactorForm.sharedChain(1).withWidth(0), FactorForm.sharedChain(1));
        assertEquals(FactorForm.columnChains(4).withWidth(0), FactorForm.columnChains(4));

        FactorForm direct = FactorForm.direct();
        assertEquals(1, direct.depth());
        assertEquals(0, direct.width());
        assertSame(direct, direct.withWidth(5), "a direct factor has no width");
        assertEquals("direct", direct.toString());
        assertEquals(FactorForm.sharedChain(3).withWidth(7), FactorForm.sharedChain(3).withWidth(7));
        assertEquals(FactorForm.columnChains(3).withWidth(7), FactorForm.columnChains(3).withWidth(7));
        assertEquals(FactorForm.columnChains(3).withWidth(0), FactorForm.columnChains(3).withWidth(7).withWidth(0));
        assertEquals("shared chain, depth 3", FactorForm.sharedChain(3).toString());
        assertEquals("shared chain, depth 3, width 7", FactorForm.sharedChain(3).withWidth(7).toString());
        assertEquals("column chains, depth 2", FactorForm.columnChains(2).toString());
        assertEquals("column chains, depth 2, width 1", FactorForm.columnChains(2).withWidth(1).toString());

        // the width: the form's own when set, else the model's default
        Parameters.Builder builder = Parameters.builder();
        Factor defaulted = Models.declare(FactorForm.sharedChain(2), "D", 4, 3, 5, builder);
        Factor explicit = Models.declare(FactorForm.sharedChain(2).withWidth(2), "E", 4, 3, 5, builder);
        Factor columns = Models.declare(FactorForm.columnChains(2), "C", 4, 3, 6, builder);
        assertInstanceOf(SharedChainFactor.class, defaulted);
        assertInstanceOf(ColumnChainFactor.class, columns);
        assertEquals(5, defaulted.linkRows(0));
        assertEquals(2, explicit.linkRows(0));
        assertEquals(6, columns.linkRows(0));
        assertEquals(FactorForm.sharedChain(2).withWidth(5), defaulted.form(), "the factor's form records the width it got");
        // depth 1 of any form, and the direct form, declare a direct factor of the given shape
        for (FactorForm form : List.of(FactorForm.direct(), FactorForm.sharedChain(1), FactorForm.columnChains(1))) {
            Factor f = Models.declare(form, "F", 4, 3, 5, builder);
            assertInstanceOf(DirectFactor.class, f, form.toString());
            assertEquals(4, f.rows());
            assertEquals(3, f.cols());
            assertEquals(FactorForm.direct(), f.form());
        }
        // declared blocks: names and shapes as documented (links numbered from 1, from the input)
        try (Parameters parameters = builder.build()) {
            List<String> blocks = parameters.blocks().stream().map(b -> b.name() + java.util.Arrays.toString(b.dims())).toList();
            assertEquals(List.of("D.M1[5, 3]", "D.M2[4, 5]", "E.M1[2, 3]", "E.M2[4, 2]", "C.a[3, 6]", "C.A2[3, 4, 6]",
                    "F[4, 3]", "F[4, 3]", "F[4, 3]"), blocks);
            assertEquals("C.A2" + Shape.of(3, 4, 6), parameters.blocks().get(5).toString());
        }
    }

    static <T extends Throwable> void assertMessage(Class<T> type, String message, Executable call) {
        T thrown = assertThrows(type, call);
        assertEquals(message, thrown.getMessage());
    }

    /** One chain for the whole matrix: a shared chain (a direct factor counts one chain per column). */
    private static boolean isSharedChain(FactorForm form) {
        return !form.equals(FactorForm.direct()) && !form.perColumn();
    }
}
