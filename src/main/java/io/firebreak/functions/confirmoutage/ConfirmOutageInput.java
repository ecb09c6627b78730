package io.firebreak.functions.confirmoutage;

/** confirm-outage's optional input: the window of the audit error-spike check, in minutes. */
public class ConfirmOutageInput {

    public Integer windowMinutes;

    public ConfirmOutageInput() {
    }

    public ConfirmOutageInput(Integer windowMinutes) {
        this.windowMinutes = windowMinutes;
    }
}
