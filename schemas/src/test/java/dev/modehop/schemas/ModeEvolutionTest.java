package dev.modehop.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modehop.events.Mode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** MIXED was appended to the Mode enum: both directions of compatibility hold. */
class ModeEvolutionTest {
    private static final Schema OLD = new Schema.Parser().parse("""
            {"type":"enum","name":"Mode","namespace":"dev.modehop.events",
             "symbols":["GENERALIZING","PARROT","UNDECIDED","LEVEL"],"default":"UNDECIDED"}""");

    @Test
    void newReadersReadOldRecordsAndOldReadersReadMixedAsUndecided() throws IOException {
        Schema current = Mode.getClassSchema();
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(current, OLD).getType());
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(OLD, current).getType());

        byte[] mixed = write(current, "MIXED");
        Object read = new GenericDatumReader<>(current, OLD).read(null, DecoderFactory.get().binaryDecoder(mixed, null));
        assertEquals("UNDECIDED", read.toString());
        byte[] parrot = write(OLD, "PARROT");
        Object back = new GenericDatumReader<>(OLD, current).read(null, DecoderFactory.get().binaryDecoder(parrot, null));
        assertEquals("PARROT", back.toString());
    }

    private static byte[] write(Schema schema, String symbol) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<Object>(schema).write(new GenericData.EnumSymbol(schema, symbol), encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
