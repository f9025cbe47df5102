/**
 * Model specifications: which factorization to fit when a completion is given an explicit model
 * ({@code Completion.model}). {@link deeptensor.model.CP}, {@link deeptensor.model.Tucker} and
 * {@link deeptensor.model.TensorTrain}, each with its factors in a {@link deeptensor.model.FactorForm}
 * (direct, shared chain, column chains) at any depth, and ranks that default to the
 * over-parameterized ones. Specifications only describe; the models they describe are built and
 * trained inside the library.
 *
 * <pre>{@code
 * // x[i][j][k] = i + j + k on a 6×6×6 grid, a third of the entries observed.
 * List<Integer> where = new ArrayList<>();
 * List<Double> what = new ArrayList<>();
 * for (int e = 0; e < 216; e += 3) {
 *     where.addAll(List.of(e / 36, e / 6 % 6, e % 6));
 *     what.add((double) (e / 36 + e / 6 % 6 + e % 6));
 * }
 * try (Observations observed = Observations.of(Shape.of(6, 6, 6), where.stream().mapToInt(Integer::intValue).toArray(),
 *                                               what.stream().mapToDouble(Double::doubleValue).toArray())) {
 *     for (ModelSpec spec : List.of(Tucker.deep(3),                        // deep Tucker, full core
 *                                   CP.shallow().rank(3),                  // plain CP of rank 3
 *                                   CP.deep(2).factorForm(FactorForm.columnChains(2)))) {
 *         try (CompletionResult result = Completion.of(observed).model(spec).maxSteps(300).seed(1).fit()) {
 *             System.out.println(spec + ": " + result.report().validationRelativeError());
 *         }
 *     }
 * }
 * }</pre>
 */
package deeptensor.model;
