// HdrHistogram Java's own reader and writer, for the interoperability test (test_importers_java_interop.cpp).
//   java -cp hdrhistogram.jar HlogCheck.java read FILE   prints "tag count p50 p99 max" per interval
//   java -cp hdrhistogram.jar HlogCheck.java write FILE  writes a log of known values and prints the same lines
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;

public class HlogCheck {
    static void print(String tag, Histogram h) {
        System.out.println((tag == null ? "-" : tag) + " " + h.getTotalCount() + " " + h.getValueAtPercentile(50.0)
                           + " " + h.getValueAtPercentile(99.0) + " " + h.getMaxValue());
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("read")) {
            HistogramLogReader reader = new HistogramLogReader(new FileInputStream(args[1]));
            EncodableHistogram e;
            while ((e = reader.nextIntervalHistogram()) != null) {
                Histogram h = (Histogram) e;
                print(h.getTag(), h);
            }
            return;
        }
        // Microseconds at Loadscope's layout, and nanoseconds at 2 digits as jHiccup logs them.
        PrintStream out = new PrintStream(new FileOutputStream(args[1]));
        HistogramLogWriter writer = new HistogramLogWriter(out);
        writer.outputLogFormatVersion();
        writer.outputStartTime(1700000000000L);
        writer.outputLegend();
        Histogram us = new Histogram(1, 3600000000L, 3);
        Histogram ns = new Histogram(20000, 3600000000000L, 2);
        for (long i = 1; i <= 20000; i++) {
            long v = 500 + (i * 7919) % 20000 + (i % 1000 == 0 ? 300000 : 0);
            us.recordValue(v);
            ns.recordValue(v * 1000);
        }
        us.setTag("us");
        us.setStartTimeStamp(1700000000000L);
        us.setEndTimeStamp(1700000010000L);
        writer.outputIntervalHistogram(us.getStartTimeStamp() / 1000.0, us.getEndTimeStamp() / 1000.0, us, 1000.0);
        ns.setTag("ns");
        ns.setStartTimeStamp(1700000010000L);
        ns.setEndTimeStamp(1700000020000L);
        writer.outputIntervalHistogram(ns.getStartTimeStamp() / 1000.0, ns.getEndTimeStamp() / 1000.0, ns, 1e6);
        out.close();
        print("us", us);
        print("ns", ns);
    }
}
