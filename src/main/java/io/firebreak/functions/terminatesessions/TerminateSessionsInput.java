package io.firebreak.functions.terminatesessions;

import java.util.List;

import io.firebreak.safety.ActionInput;

/**
 * Which sessions to end, one way per call: idle for longer than idleFor (seed 002), running one
 * query for longer than runningFor (seed 004), or the given pids (seed 003); optionally only one
 * application's; at most maxSessions.
 */
public class TerminateSessionsInput extends ActionInput {

    private String idleFor;
    private String runningFor;
    private List<Integer> pids;
    private String application;
    private Integer maxSessions;

    public String getIdleFor() {
        return idleFor;
    }

    public void setIdleFor(String idleFor) {
        this.idleFor = idleFor;
    }

    public String getRunningFor() {
        return runningFor;
    }

    public void setRunningFor(String runningFor) {
        this.runningFor = runningFor;
    }

    public List<Integer> getPids() {
        return pids;
    }

    public void setPids(List<Integer> pids) {
        this.pids = pids;
    }

    public String getApplication() {
        return application;
    }

    public void setApplication(String application) {
        this.application = application;
    }

    public Integer getMaxSessions() {
        return maxSessions;
    }

    public void setMaxSessions(Integer maxSessions) {
        this.maxSessions = maxSessions;
    }
}
