import java.lang.reflect.Field;

/**
 * Starts DynamoDB Local listening on one host only (127.0.0.1 unless -Dtaskfleet.host
 * says otherwise): the jar has no bind option, and its Jetty server would listen on
 * every interface, without auth. Builds the server the jar's own ServerRunner builds
 * from the same arguments, then sets the host on its connectors before starting it.
 * Reflection only, so it runs against any DynamoDB Local build (package names moved in 2.x).
 * Run as a single source file: java -cp "DynamoDBLocal.jar:DynamoDBLocal_lib/*" LoopbackDynamoDbLocal.java <jar args>
 */
public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("taskfleet.host", "127.0.0.1");
    Class<?> runner;
    try {
      runner = Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner");
    } catch (ClassNotFoundException e) {
      runner = Class.forName("com.amazonaws.services.dynamodbv2.local.main.ServerRunner");
    }
    Object proxy = runner.getMethod("createServerFromCommandLineArgs", String[].class).invoke(null, (Object) args);
    Field field = proxy.getClass().getDeclaredField("server");
    field.setAccessible(true);
    Object server = field.get(proxy);
    Object[] connectors = (Object[]) server.getClass().getMethod("getConnectors").invoke(server);
    for (Object connector : connectors) connector.getClass().getMethod("setHost", String.class).invoke(connector, host);
    proxy.getClass().getMethod("start").invoke(proxy);
    System.out.println("DynamoDB Local listening on " + host);
    proxy.getClass().getMethod("join").invoke(proxy);
  }
}
