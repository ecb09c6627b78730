package io.firebreak.platform;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/** Every {@link ScheduledJob}, by name, for bindings that receive "run job X" rather than a cron tick. */
@ApplicationScoped
public class ScheduledJobs {

    @Inject
    Instance<ScheduledJob> jobs;

    public Optional<ScheduledJob> find(String name) {
        return jobs.stream().filter(j -> j.name().equals(name)).findFirst();
    }

    public Map<String, ScheduledJob> all() {
        return jobs.stream().collect(Collectors.toMap(ScheduledJob::name, j -> j));
    }
}
