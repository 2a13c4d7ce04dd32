package dev.modehop.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modehop.events.ProbeScore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.avro.util.RandomData;
import org.junit.jupiter.api.Test;

/**
 * The generated coders the serdes switch on write exactly what Avro's generic walk of the schema writes and read
 * it back to the same record, for every event record (random values: every union branch, enum symbol, array
 * length), and still resolve an older writer's schema.
 */
class GeneratedCodersTest {
    private static final int RECORDS_PER_CLASS = 200;

    /** Every top-level event record: one per schema file. */
    private static List<Class<? extends SpecificRecordBase>> eventClasses() throws IOException {
        List<Class<? extends SpecificRecordBase>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("src/main/avro"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList()) {
                String name = f.getFileName().toString().replace(".avsc", "");
                try {
                    classes.add(Class.forName("dev.modehop.events." + name).asSubclass(SpecificRecordBase.class));
                } catch (ClassNotFoundException e) {
                    throw new AssertionError("no generated class for " + f, e);
                }
            }
        }
        return classes;
    }

    @Test
    void writeTheSameBytesAndReadTheSameRecordsAsTheGenericWalk() throws Exception {
        List<Class<? extends SpecificRecordBase>> classes = eventClasses();
        assertTrue(classes.size() >= 15, "event classes found: " + classes);
        for (Class<? extends SpecificRecordBase> type : classes) {
            Schema schema = SpecificData.get().getSchema(type);
            SpecificData coded = GeneratedCoders.forClass(type);
            assertTrue(coded.useCustomCoders());
            assertFalse(SpecificData.getForSchema(schema).useCustomCoders(), "the class's own model is left as it was");
            long seed = type.getName().hashCode();
            for (Object random : new RandomData(schema, RECORDS_PER_CLASS, seed)) {
                SpecificRecordBase record = read(new SpecificDatumReader<>(schema, schema),
                        write(new GenericDatumWriter<>(schema), random));
                // the same record through both writers (a map's entries are written in the record's own order)
                byte[] walked = write(new SpecificDatumWriter<>(schema), record);
                byte[] custom = write(new SpecificDatumWriter<>(schema, coded), record);
                assertArrayEquals(walked, custom, type.getSimpleName() + " " + random);
                assertEquals(record, read(new SpecificDatumReader<>(schema, schema, coded), custom),
                        type.getSimpleName() + " " + random);
            }
        }
    }

    @Test
    void resolveAnOlderWritersSchema() throws Exception {
        Schema current = ProbeScore.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            if (!f.name().equals("logProbMargin")) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        Schema old = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
        int checked = 0;
        for (Object random : new RandomData(old, RECORDS_PER_CLASS, 7)) {
            GenericRecord before = (GenericRecord) random;
            ProbeScore read = read(new SpecificDatumReader<>(old, current, GeneratedCoders.forClass(ProbeScore.class)),
                    write(new GenericDatumWriter<>(old), before));
            assertNull(read.getLogProbMargin());
            assertEquals(before.get("softScore"), read.getSoftScore());
            assertEquals(before.get("step"), read.getStep());
            assertEquals(String.valueOf(before.get("family")), read.getFamily());
            checked++;
        }
        assertEquals(RECORDS_PER_CLASS, checked);
    }

    @SuppressWarnings("unchecked")
    private static <T> byte[] write(DatumWriter<T> writer, Object value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write((T) value, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static <T> T read(SpecificDatumReader<T> reader, byte[] bytes) throws IOException {
        return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    }
}
