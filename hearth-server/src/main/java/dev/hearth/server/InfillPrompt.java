package dev.hearth.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.tokenizer.Tokenizer;
import dev.hearth.tokenizer.Vocabulary;
import java.util.ArrayList;
import java.util.List;

/**
 * The fill-in-the-middle prompt of {@code /infill}, built like llama-server's {@code format_infill}:
 * extra context chunks (repo-level FIM when the model has FIM_REP/FIM_SEP tokens), then
 * {@code <PRE>prefix+prompt <SUF>suffix} (or suffix first with {@code --spm-infill}), then
 * {@code <MID>}. The prefix keeps its tail and the suffix its head within llama-server's budgets.
 */
final class InfillPrompt {
    private InfillPrompt() { }

    static int[] build(ObjectNode body, Tokenizer tok, boolean spm, int batch, int contextSize, int nPredict) {
        Vocabulary v = tok.vocabulary();
        if (v.fimPre() < 0 || v.fimSuf() < 0 || v.fimMid() < 0)
            throw ApiError.notSupported("this model has no fill-in-the-middle tokens (FIM_PRE/FIM_SUF/FIM_MID), so /infill is not available");
        CompletionParams.Reader r = new CompletionParams.Reader(body);
        String prefix = r.string("input_prefix", "");
        String suffix = r.string("input_suffix", "");
        JsonNode promptNode = body.get("prompt");
        List<Integer> prompt = promptNode == null || promptNode.isNull() ? List.of() : toList(Prompts.tokens(promptNode, tok), tok.bos());

        List<Integer> extra = new ArrayList<>();
        JsonNode chunks = body.get("input_extra");
        if (chunks != null && !chunks.isNull()) {
            if (!chunks.isArray()) throw ApiError.invalid("'input_extra' must be an array of {\"filename\", \"text\"} objects");
            if (v.fimRep() >= 0) { extra.add(v.fimRep()); addAll(extra, tok.encode("myproject\n", false, false)); }
            for (JsonNode c : chunks) {
                if (!c.isObject() || (c.has("text") && !c.get("text").isTextual()) || (c.has("filename") && !c.get("filename").isTextual()))
                    throw ApiError.invalid("each 'input_extra' chunk must be an object with string 'filename' and 'text'");
                String filename = c.path("filename").asText("tmp");
                String text = c.path("text").asText("");
                if (v.fimSep() >= 0) { extra.add(v.fimSep()); addAll(extra, tok.encode(filename + "\n", false, false)); }
                else addAll(extra, tok.encode("// " + filename + "\n", false, false)); // a comment line stands in for the file separator
                addAll(extra, tok.encode(text, false, false));
            }
            if (v.fimSep() >= 0) { extra.add(v.fimSep()); addAll(extra, tok.encode("filename\n", false, false)); }
        }

        List<Integer> pre = toList(tok.encode(prefix, false, false), -1);
        List<Integer> suf = toList(tok.encode(suffix, false, false), -1);
        int preTake = Math.min(pre.size(), 3 * (batch / 4));
        int sufTake = Math.min(suf.size(), Math.max(0, batch / 4 - (2 + prompt.size())));
        List<Integer> p = new ArrayList<>();
        p.add(v.fimPre());
        p.addAll(pre.subList(pre.size() - preTake, pre.size()));
        p.addAll(prompt);
        List<Integer> s = new ArrayList<>();
        s.add(v.fimSuf());
        s.addAll(suf.subList(0, sufTake));

        List<Integer> out = new ArrayList<>();
        if (v.addBos() && v.bos() >= 0) out.add(v.bos());
        int extraTake = Math.min(Math.max(0, contextSize - batch - 2 * Math.max(nPredict, 0)), extra.size());
        out.addAll(extra.subList(extra.size() - extraTake, extra.size()));
        if (spm) { out.addAll(s); out.addAll(p); } else { out.addAll(p); out.addAll(s); }
        out.add(v.fimMid());
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<Integer> toList(int[] ids, int dropLeading) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) if (!(i == 0 && ids[i] == dropLeading)) l.add(ids[i]);
        return l;
    }

    private static void addAll(List<Integer> l, int[] ids) {
        for (int id : ids) l.add(id);
    }
}
