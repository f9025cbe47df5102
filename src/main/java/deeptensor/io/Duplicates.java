package deeptensor.io;

/** What a sparse reader does when a coordinate is listed more than once. */
public enum Duplicates {
    /** Refuse the file, naming the line of the repeat and of the first occurrence (the default). */
    ERROR,
    /** Keep one entry whose value is the sum of all occurrences, added in file order. */
    SUM,
    /** Keep one entry with the value of the last occurrence in the file. */
    LAST_WINS
}
