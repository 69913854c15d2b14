package dev.hearth.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every sampling knob of llama.cpp ({@code common_params_sampling}) with its default. Mutable so a
 * server can start from its defaults and overlay a request's fields; {@link #copy()} before changing
 * a shared instance.
 */
public final class SamplingSettings {
    /** llama.cpp's LLAMA_DEFAULT_SEED: draw a random seed. */
    public static final long RANDOM_SEED = 0xFFFFFFFFL;

    public long seed = RANDOM_SEED;
    public int minKeep = 0;
    public int topK = 40;
    public float topP = 0.95f;
    public float minP = 0.05f;
    public float xtcProbability = 0f;
    public float xtcThreshold = 0.1f;
    public float typicalP = 1f;
    public float temperature = 0.8f;
    public float dynatempRange = 0f;
    public float dynatempExponent = 1f;
    public int penaltyLastN = 64;
    public float penaltyRepeat = 1f;
    public float penaltyFrequency = 0f;
    public float penaltyPresent = 0f;
    public float dryMultiplier = 0f;
    public float dryBase = 1.75f;
    public int dryAllowedLength = 2;
    public int dryPenaltyLastN = 64;
    public List<String> drySequenceBreakers = List.of("\n", ":", "\"", "*");
    public int mirostat = 0;
    public float topNSigma = -1f;
    public float mirostatTau = 5f;
    public float mirostatEta = 0.1f;
    public boolean ignoreEos = false;
    public List<SamplerType> samplers = SamplerType.defaultOrder();
    /** Added to a token's logit before the chain; negative infinity bans the token. */
    public Map<Integer, Float> logitBias = new TreeMap<>();

    public SamplingSettings copy() {
        SamplingSettings c = new SamplingSettings();
        c.seed = seed; c.minKeep = minKeep; c.topK = topK; c.topP = topP; c.minP = minP;
        c.xtcProbability = xtcProbability; c.xtcThreshold = xtcThreshold; c.typicalP = typicalP;
        c.temperature = temperature; c.dynatempRange = dynatempRange; c.dynatempExponent = dynatempExponent;
        c.penaltyLastN = penaltyLastN; c.penaltyRepeat = penaltyRepeat; c.penaltyFrequency = penaltyFrequency;
        c.penaltyPresent = penaltyPresent; c.dryMultiplier = dryMultiplier; c.dryBase = dryBase;
        c.dryAllowedLength = dryAllowedLength; c.dryPenaltyLastN = dryPenaltyLastN;
        c.drySequenceBreakers = new ArrayList<>(drySequenceBreakers); c.mirostat = mirostat;
        c.topNSigma = topNSigma; c.mirostatTau = mirostatTau; c.mirostatEta = mirostatEta;
        c.ignoreEos = ignoreEos; c.samplers = new ArrayList<>(samplers); c.logitBias = new TreeMap<>(logitBias);
        return c;
    }
}
