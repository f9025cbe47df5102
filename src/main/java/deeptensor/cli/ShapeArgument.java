package deeptensor.cli;

import deeptensor.tensor.Shape;

/**
 * Reads a shape given on the command line: sizes separated by {@code x}, {@code ×} or commas
 * ({@code 14x10x12}, {@code 14,10,12}, {@code 14×10×12}), each a positive whole number.
 */
final class ShapeArgument {

    private ShapeArgument() {
    }

    static Shape parse(String option, String text) throws Main.UsageException {
        String[] parts = text.strip().split("\\s*[x×X,]\\s*", -1);
        int[] dims = new int[parts.length];
        for (int n = 0; n < parts.length; n++) {
            try {
                dims[n] = Integer.parseInt(parts[n]);
            } catch (NumberFormatException notANumber) {
                dims[n] = 0;
            }
            if (dims[n] < 1 || !parts[n].matches("\\d+")) {
                throw new Main.UsageException(option + ": '" + text + "' is not a shape; write sizes like 14x10x12 or 14,10,12");
            }
        }
        try {
            return Shape.of(dims);
        } catch (IllegalArgumentException tooLarge) {
            throw new Main.UsageException(option + ": " + tooLarge.getMessage());
        }
    }
}
