package io.firebreak.lambda;

import java.lang.annotation.Annotation;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.annotation.PostConstruct;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

import io.quarkus.arc.Arc;
import io.quarkus.arc.InstanceHandle;
import io.quarkus.arc.ManagedContext;
import io.quarkus.arc.runtime.BeanContainer;
import io.quarkus.funqy.runtime.FunctionConstructor;
import io.quarkus.funqy.runtime.FunctionInvoker;
import io.quarkus.funqy.runtime.FunctionRecorder;
import io.quarkus.funqy.runtime.FunqyServerRequest;
import io.quarkus.funqy.runtime.FunqyServerResponse;
import io.quarkus.funqy.runtime.RequestContext;
import io.quarkus.funqy.runtime.RequestContextImpl;
import io.smallrye.mutiny.Uni;

import io.firebreak.platform.FunctionAdmission;
import io.firebreak.platform.FunctionError;

/**
 * Runs an admitted call through Funqy's own invoker, for bindings other than Funqy HTTP (the
 * Lambda handler), and writes the result as Funqy HTTP would: the same function, the same JSON.
 */
@ApplicationScoped
public class FunctionInvocation {

    @Inject
    ObjectMapper mapper;

    private final Map<String, ObjectWriter> writers = new ConcurrentHashMap<>();

    @PostConstruct
    void init() {
        // Funqy's bindings hand Funqy the bean container; this binding does it here.
        if (FunctionConstructor.CONTAINER == null) {
            FunctionConstructor.CONTAINER = new ArcBeans();
        }
    }

    /** The function's JSON result, or a {@link FunctionError} as the function raised it. */
    public String invoke(FunctionAdmission.Admitted admitted) {
        String id = admitted.function().id();
        FunctionInvoker invoker = FunctionRecorder.registry.matchInvoker(id);
        if (invoker == null) {
            throw new FunctionError(404, "unknown_function", "no function " + id, null);
        }
        ManagedContext requestContext = Arc.container().requestContext();
        requestContext.activate();
        try {
            Response response = new Response();
            invoker.invoke(new Request(admitted.input()), response);
            Object output = response.output.await()
                    .atMost(Duration.ofSeconds(admitted.function().timeoutSeconds()));
            if (!invoker.hasOutput()) {
                return "null";
            }
            ObjectWriter writer = writers.computeIfAbsent(id,
                    k -> mapper.writerFor(mapper.constructType(invoker.getOutputType())));
            return writer.writeValueAsString(output);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the result of " + id, e);
        } finally {
            requestContext.terminate();
        }
    }

    /** Funqy's view of the CDI container, over Arc. */
    private static final class ArcBeans implements BeanContainer {
        @Override
        public <T> T beanInstance(Class<T> type, Annotation... qualifiers) {
            return Arc.container().instance(type, qualifiers).get();
        }

        @Override
        public <T> Factory<T> beanInstanceFactory(Class<T> type, Annotation... qualifiers) {
            return () -> {
                InstanceHandle<T> handle = Arc.container().instance(type, qualifiers);
                return new Instance<>() {
                    @Override
                    public T get() {
                        return handle.get();
                    }

                    @Override
                    public void close() {
                        handle.close();
                    }
                };
            };
        }

        @Override
        public <T> Factory<T> beanInstanceFactory(Supplier<Factory<T>> fallback, Class<T> type,
                Annotation... qualifiers) {
            return Arc.container().instance(type, qualifiers).isAvailable() ? beanInstanceFactory(type, qualifiers)
                    : fallback.get();
        }

        @Override
        public ManagedContext requestContext() {
            return Arc.container().requestContext();
        }
    }

    private record Request(Object input) implements FunqyServerRequest {
        @Override
        public RequestContext context() {
            return new RequestContextImpl();
        }

        @Override
        public Object extractInput(Class type) {
            return input;
        }
    }

    private static final class Response implements FunqyServerResponse {
        private Uni<?> output;

        @Override
        public Uni<?> getOutput() {
            return output;
        }

        @Override
        public void setOutput(Uni<?> output) {
            this.output = output;
        }
    }
}
