package dev.modehop.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class FormatLocaleTest {
    @Test
    void numbersReadTheSameWhateverTheMachinesLocale() {
        Locale format = Locale.getDefault(Locale.Category.FORMAT);
        Locale display = Locale.getDefault(Locale.Category.DISPLAY);
        try {
            Locale.setDefault(Locale.GERMANY);
            assertEquals("0,95", String.format("%.2f", 0.95));
            FormatLocale.pin();
            assertEquals("0.95", String.format("%.2f", 0.95));
            assertEquals("1,234", String.format("%,d", 1234));
            assertEquals(Locale.US, Locale.getDefault(Locale.Category.FORMAT));
            assertEquals(Locale.GERMANY, Locale.getDefault(Locale.Category.DISPLAY));
        } finally {
            Locale.setDefault(Locale.Category.FORMAT, format);
            Locale.setDefault(Locale.Category.DISPLAY, display);
        }
    }
}
