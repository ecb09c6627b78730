package io.firebreak.functions.verifypayment;

import io.firebreak.safety.ActionInput;

/** verify-payment's input: one payment's reference, or sweep for every payment pending over an hour. */
public class VerifyPaymentInput extends ActionInput {

    private String reference;
    private Boolean sweep;

    public boolean sweeping() {
        return Boolean.TRUE.equals(sweep);
    }

    public Boolean getSweep() {
        return sweep;
    }

    public void setSweep(Boolean sweep) {
        this.sweep = sweep;
    }

    public String getReference() {
        return reference;
    }

    public void setReference(String reference) {
        this.reference = reference;
    }
}
