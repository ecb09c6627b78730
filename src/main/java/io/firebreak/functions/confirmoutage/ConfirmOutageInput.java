package io.firebreak.functions.confirmoutage;

/**
 * confirm-outage's optional input: the window of the audit error-spike check, in minutes.
 * A bean with accessors, because Funqy maps GET query parameters through setters.
 */
public class ConfirmOutageInput {

    private Integer windowMinutes;

    public ConfirmOutageInput() {
    }

    public ConfirmOutageInput(Integer windowMinutes) {
        this.windowMinutes = windowMinutes;
    }

    public Integer getWindowMinutes() {
        return windowMinutes;
    }

    public void setWindowMinutes(Integer windowMinutes) {
        this.windowMinutes = windowMinutes;
    }
}
