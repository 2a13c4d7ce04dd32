package dev.modehop.probes.en;

/** English number words and ordinals for 0..99. */
final class NumberWords {
    private static final String[] SMALL = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
        "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen"};
    private static final String[] TENS = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
        "ninety"};
    private static final String[] SMALL_ORDINALS = {"zeroth", "first", "second", "third", "fourth", "fifth", "sixth",
        "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
        "sixteenth", "seventeenth", "eighteenth", "nineteenth"};
    private static final String[] TENS_ORDINALS = {"", "", "twentieth", "thirtieth", "fortieth", "fiftieth",
        "sixtieth", "seventieth", "eightieth", "ninetieth"};

    private NumberWords() {
    }

    static String cardinal(int n) {
        check(n);
        if (n < 20) {
            return SMALL[n];
        }
        return n % 10 == 0 ? TENS[n / 10] : TENS[n / 10] + "-" + SMALL[n % 10];
    }

    static String ordinal(int n) {
        check(n);
        if (n < 20) {
            return SMALL_ORDINALS[n];
        }
        return n % 10 == 0 ? TENS_ORDINALS[n / 10] : TENS[n / 10] + "-" + SMALL_ORDINALS[n % 10];
    }

    private static void check(int n) {
        if (n < 0 || n > 99) {
            throw new IllegalArgumentException("number word out of range: " + n);
        }
    }
}
