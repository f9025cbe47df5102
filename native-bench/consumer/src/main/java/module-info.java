/** A project that depends on deeptensor as its users would: one dependency, one requires. */
module deeptensor.consumer {
    requires deeptensor;
}
