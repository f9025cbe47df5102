/**
 * What a completion found and how good it is: reconstruction errors on observed and unobserved
 * entries, effective ranks and singular values of unfoldings, sums of nuclear norms, CP component
 * norms, and Tucker core-slice norms.
 */
package deeptensor.internal.metrics;
