package io.firebreak.functions.verifypayment;

import io.firebreak.functions.ActionInput;

/** verify-payment's input: one payment's reference (plan, then apply). */
public class VerifyPaymentInput extends ActionInput {

    private String reference;

    public String getReference() {
        return reference;
    }

    public void setReference(String reference) {
        this.reference = reference;
    }
}
