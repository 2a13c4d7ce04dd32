package dev.modehop.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.modehop.events.ProbeScore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/**
 * logProbMargin was added to ProbeScore after softScore: records written before it read with the field null,
 * and readers of the old schema skip it.
 */
class ProbeScoreEvolutionTest {

    /** The current schema less logProbMargin: what scorers wrote before the field existed. */
    private static Schema withoutLogProbMargin() {
        Schema current = ProbeScore.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            if (!f.name().equals("logProbMargin")) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    @Test
    void fieldSitsRightAfterSoftScore() {
        Schema current = ProbeScore.getClassSchema();
        assertEquals(current.getField("softScore").pos() + 1, current.getField("logProbMargin").pos());
    }

    @Test
    void oldRecordsReadWithNullAndOldReadersSkipIt() throws IOException {
        Schema old = withoutLogProbMargin();
        Schema current = ProbeScore.getClassSchema();
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(current, old).getType());
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(old, current).getType());

        GenericRecord before = new GenericData.Record(old);
        for (Schema.Field f : old.getFields()) {
            before.put(f.name(), switch (f.name()) {
                case "id", "runId", "suite", "family", "task", "scorerId" -> "x";
                case "metric" -> "hard_accuracy";
                case "step", "durationMs", "producedAt" -> 7L;
                case "seedCount", "taskCount" -> 1;
                case "items" -> 64;
                case "hardAccuracy", "softScore" -> 0.5;
                default -> null;
            });
        }
        ProbeScore read = new SpecificDatumReader<ProbeScore>(old, current)
                .read(null, DecoderFactory.get().binaryDecoder(write(old, before), null));
        assertNull(read.getLogProbMargin());
        assertEquals(0.5, read.getSoftScore());

        ProbeScore now = ProbeScore.newBuilder(read).setLogProbMargin(-1.25).build();
        GenericRecord back = new GenericDatumReader<GenericRecord>(current, old)
                .read(null, DecoderFactory.get().binaryDecoder(write(current, now), null));
        assertNull(back.getSchema().getField("logProbMargin"));
        assertEquals(64, back.get("items"));
    }

    private static byte[] write(Schema schema, Object record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<Object>(schema, org.apache.avro.specific.SpecificData.get()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
