package io.firebreak.functions.paymentwebhook;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.firebreak.functions.ActionInput;

/** A Paystack or Flutterwave event as it arrives; providers add fields over time, so the rest is ignored. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class PaymentWebhookInput extends ActionInput {

    private String event;
    private Map<String, Object> data;

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
}
