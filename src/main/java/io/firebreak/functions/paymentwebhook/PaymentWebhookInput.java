package io.firebreak.functions.paymentwebhook;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.firebreak.safety.ActionInput;

/**
 * A Paystack or Flutterwave event as it arrives; providers add fields over time, so the rest is
 * ignored. Flutterwave's older webhook version posts a flat object: {@code txRef} and
 * {@code event.type} at the top, no {@code data}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public class PaymentWebhookInput extends ActionInput {

    private String event;
    private Map<String, Object> data;
    private String txRef;
    private String legacyEventType;

    public String getEvent() {
        return event;
    }

    public void setEvent(String event) {
        this.event = event;
    }

    public Map<String, Object> getData() {
        return data;
    }

    public void setData(Map<String, Object> data) {
        this.data = data;
    }

    public String getTxRef() {
        return txRef;
    }

    public void setTxRef(String txRef) {
        this.txRef = txRef;
    }

    @JsonProperty("event.type")
    public String getLegacyEventType() {
        return legacyEventType;
    }

    @JsonProperty("event.type")
    public void setLegacyEventType(String legacyEventType) {
        this.legacyEventType = legacyEventType;
    }
}
